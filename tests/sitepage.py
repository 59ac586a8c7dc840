"""Reading a built site back: references.bib's records by key, the page's cards and data."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import lxml.html

_RECORD_KEY = re.compile(r"@\w+\{([^,\s]+),")


def bib_records(text: str) -> dict[str, str]:
    """Every record of a .bib file, by key, as written (each ends with its newline)."""
    records = {}
    for chunk in re.split(r"\n(?=@)", text):
        match = _RECORD_KEY.match(chunk)
        if match:
            records[match.group(1)] = chunk.rstrip("\n") + "\n"
    return records


def committed_records(root: Path) -> dict[str, str]:
    """The records of root/references.bib, by key."""
    return bib_records((root / "references.bib").read_text(encoding="utf-8"))


def parse_page(html: str) -> Any:
    """The page as an lxml tree."""
    return lxml.html.document_fromstring(html)


def card_ids(page: Any) -> list[str]:
    """The ids of the cards, in page order."""
    return [str(value) for value in page.xpath('//li[@class="card"]/@id')]


def card_record(page: Any, card_id: str) -> str:
    """The text of the BibTeX block of one card."""
    return str(page.xpath(f'//li[@id="{card_id}"]//pre[@class="bib"]')[0].text_content())


def page_data(page: Any) -> list[dict[str, Any]]:
    """The data the page's script works on."""
    data = json.loads(page.xpath('//script[@id="data"]')[0].text_content())
    assert isinstance(data, list)
    return data
