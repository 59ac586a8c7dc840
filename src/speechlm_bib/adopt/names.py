"""Names import gives: section ids and entry file names, clean slugs of what the list shows.

A slug is lowercase ASCII words: no emoji, no shortcodes, never only a date and never the
"-" of an empty cell; a name that gives none falls back to the title, then to "entry".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..keys import fold
from ..mdinline import plain_text
from .roles import EMPTY, is_date


def slug(text: str, sep: str = "-") -> str:
    """A lowercase ASCII slug of plain text, starting with a letter ("" when none is left).

    >>> slug("Existing SpeechLMs", "_")
    'existing_speechlms'
    >>> slug("2024 :trident: Speech/Audio Codec Models", "_")
    'speech_audio_codec_models'
    """
    words = [fold(word) for word in re.split(r"[\s\-_/.:]+", plain_text(text))]
    kept = [word for word in words if word]
    while kept and not kept[0][0].isalpha():
        kept.pop(0)
    return sep.join(kept)


def section_id(heading: str, used: set[str]) -> str:
    """A section id from a heading, unique among the ids used already.

    >>> section_id(":trident: Speech Audio Codec Models", set())
    'speech_audio_codec_models'
    >>> section_id("2024-10", {"table"})
    'table_2'
    """
    base = slug(heading, "_")[:60].strip("_") or "table"
    candidate, number = base, 2
    while candidate in used:
        candidate, number = f"{base}_{number}", number + 1
    return candidate


def entry_file_name(position: int, row: Mapping[str, Any]) -> str:
    """The file name of a row: its position (in tens) and a slug of its name or title.

    >>> entry_file_name(3, {"name": "Qwen2.5-Omni"})
    '030-qwen2-5-omni.yaml'
    >>> entry_file_name(1, {"name": "-", "title": "**Scaling** Speech-Text Pre-training"})
    '010-scaling-speech-text-pre-training.yaml'
    >>> entry_file_name(2, {"name": "2024-10"})
    '020-entry.yaml'
    """
    for field in ("name", "title", "key"):
        value = row.get(field)
        if value is None or str(value) in EMPTY or is_date(str(value)):
            continue
        label = slug(str(value))[:40].strip("-")
        if label:
            return f"{position * 10:03d}-{label}.yaml"
    return f"{position * 10:03d}-entry.yaml"
