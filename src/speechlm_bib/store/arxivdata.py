"""data/arxiv.json: the arXiv metadata sync stored, read and written deterministically."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import ArxivMetadata


def parse_arxiv_store(text: str, path: Path) -> dict[str, ArxivMetadata]:
    """The arXiv metadata that sync stored, by id, from the store's text (read from path)."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise InputError(f"damaged JSON ({error}); restore it or run sync --refresh",
                         path) from None
    if not isinstance(data, dict):
        raise InputError("damaged: not a mapping of arXiv ids; restore it or run sync "
                         "--refresh", path, 1)
    return {arxiv_id: _checked_metadata(arxiv_id, item, path) for arxiv_id, item in data.items()}


def _checked_metadata(arxiv_id: str, item: Any, path: Path) -> ArxivMetadata:
    try:
        return _metadata(arxiv_id, item)
    except KeyError as error:
        problem = f"has no field {error}"
    except (ValueError, TypeError, AttributeError) as error:
        problem = f"is damaged ({error})"
    raise InputError(f"stored metadata of {arxiv_id} {problem}; restore it or run sync "
                     "--refresh", path)


def _metadata(arxiv_id: str, item: dict[str, Any]) -> ArxivMetadata:
    return ArxivMetadata(
        id=arxiv_id,
        version=int(item["version"]),
        title=str(item["title"]),
        authors=tuple(str(a) for a in item["authors"]),
        published=str(item["published"]),
        updated=str(item["updated"]),
        primary_category=item.get("primary_category"),
        doi=item.get("doi"),
        journal_ref=item.get("journal_ref"),
        comment=item.get("comment"),
    )


def render_arxiv_store(store: Mapping[str, ArxivMetadata]) -> str:
    """The JSON text of the arXiv store: sorted by id, fixed field order, no run timestamps.

    The text is what ``json.dumps(data, ensure_ascii=False, indent=1)`` writes, put
    together here from the encoder's strings: with an indent, json's encoder is pure
    Python, and a sync of 10,000 works spent a third of its time in it.
    """
    if not store:
        return "{}\n"
    items = [f" {_ENCODE(arxiv_id)}: {_object(_metadata_dict(store[arxiv_id]))}"
             for arxiv_id in sorted(store)]
    return "{\n" + ",\n".join(items) + "\n}\n"


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode
"""One value as json writes it (strings, numbers, null)."""


def _object(item: dict[str, Any]) -> str:
    """One work's object, indented as the second level of the store."""
    lines = [f"  {_ENCODE(name)}: {_list(value) if isinstance(value, list) else _ENCODE(value)}"
             for name, value in item.items()]
    return "{\n" + ",\n".join(lines) + "\n }" if lines else "{}"


def _list(values: list[Any]) -> str:
    """A list of strings, indented as the third level of the store."""
    if not values:
        return "[]"
    return "[\n" + ",\n".join(f"   {_ENCODE(value)}" for value in values) + "\n  ]"


def _metadata_dict(meta: ArxivMetadata) -> dict[str, Any]:
    item: dict[str, Any] = {
        "version": meta.version,
        "title": meta.title,
        "authors": list(meta.authors),
        "published": meta.published,
        "updated": meta.updated,
    }
    optional = {"primary_category": meta.primary_category, "doi": meta.doi,
                "journal_ref": meta.journal_ref, "comment": meta.comment}
    item.update({name: value for name, value in optional.items() if value})
    return item


