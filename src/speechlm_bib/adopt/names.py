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


def entry_file_name(number: str, row: Mapping[str, Any]) -> str:
    """The file name of a row: the number that orders it and a slug of its name or title.

    >>> entry_file_name("030", {"name": "Qwen2.5-Omni"})
    '030-qwen2-5-omni.yaml'
    >>> entry_file_name("010", {"name": "-", "title": "**Scaling** Speech-Text Pre-training"})
    '010-scaling-speech-text-pre-training.yaml'
    >>> entry_file_name("020", {"name": "2024-10"})
    '020-entry.yaml'
    """
    for field in ("name", "title", "key"):
        value = row.get(field)
        if value is None or str(value) in EMPTY or is_date(str(value)):
            continue
        label = slug(str(value))[:40].strip("-")
        if label:
            return f"{number}-{label}.yaml"
    return f"{number}-entry.yaml"


def position_number(position: int) -> str:
    """The file number of the row at a position of an imported table.

    In tens, so that rows added later fit in between.

    >>> position_number(3)
    '030'
    """
    return f"{position * 10:03d}"


def work_name(title: str) -> str:
    """The name a title gives its work: the label before a colon, else the whole title.

    >>> work_name("Moshi: a speech-text foundation model"), work_name("Textless Speech")
    ('Moshi', 'Textless Speech')
    """
    label, colon, _ = title.partition(":")
    return label.strip() if colon and 0 < len(label.split()) <= 4 else title
