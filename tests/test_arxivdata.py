"""data/arxiv.json is written as json.dumps with an indent of one writes it, and read back."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from speechlm_bib.model import ArxivMetadata
from speechlm_bib.store.arxivdata import _metadata_dict, render_arxiv_store
from speechlm_bib.store.repository import load_arxiv

TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
OPTIONAL = st.none() | TEXT
METADATA = st.builds(ArxivMetadata, id=st.just(""), version=st.integers(1, 30), title=TEXT,
                     authors=st.lists(TEXT, max_size=4).map(tuple), published=TEXT,
                     updated=TEXT, primary_category=OPTIONAL, doi=OPTIONAL,
                     journal_ref=OPTIONAL, comment=OPTIONAL)
STORES = st.dictionaries(st.from_regex(r"2[0-9]{3}\.[0-9]{5}", fullmatch=True), METADATA,
                         max_size=5)


@settings(max_examples=300)
@given(STORES)
def test_the_store_is_written_as_json_writes_it(store: dict[str, ArxivMetadata]) -> None:
    data = {arxiv_id: _metadata_dict(store[arxiv_id]) for arxiv_id in sorted(store)}
    assert render_arxiv_store(store) == json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def test_the_committed_store_is_written_back_byte_for_byte() -> None:
    root = Path(__file__).resolve().parent.parent
    text = (root / "data" / "arxiv.json").read_text(encoding="utf-8")
    assert render_arxiv_store(load_arxiv(root)) == text
