"""The README's BibTeX: every record of its fenced blocks, and its citation block.

Every record of a fenced BibTeX block becomes a hand-maintained record, copied as written
(entries/records.bib then holds it; sync never overwrites a field written there). The
fences under the citation heading (or, without one, the last fence) become the citation
block: their records are the list's survey records, and build shows them as written.
Records of other fences are kept (list.yaml's ``keep``), the fences left as they stand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..bibtex.handrecords import parse_hand_records
from ..errors import InputError
from ..mdinline import plain_text
from ..model import ImportNote, Repair
from ..render.mdtext import code_fence
from .scan import Fence, Scan

BIBTEX_INFO = frozenset({"", "bibtex", "bib", "biblatex", "tex", "latex"})
_RECORD = re.compile(r"@\s*[A-Za-z]+\s*[{(]")
_CITATION_HEADING = re.compile(r"cit(e|ation|ing)|bibtex|reference", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Citations:
    """The records taken (key, text as written, line), the survey's keys and kept keys.

    ``block`` is the first and last line of the fences that become the citation block.
    """

    records: tuple[tuple[str, str, int], ...] = ()
    survey: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    block: tuple[int, int] | None = None
    repairs: tuple[Repair, ...] = ()
    notes: tuple[ImportNote, ...] = ()


def adopt_citations(scan: Scan, records_path: Path, taken: set[str]) -> Citations:
    """The records of the README's BibTeX fences and its citation block.

    ``taken`` are the keys entries/records.bib holds already: those records stay as they are.
    """
    fences = [f for f in scan.fences if not f.marked and f.info.lower() in BIBTEX_INFO
              and _RECORD.search(f.content)]
    run = _citation_run(fences, scan.lines)
    records: dict[str, tuple[str, int]] = {}
    notes: list[ImportNote] = []
    wrap = bool(run)
    survey: list[str] = []
    for fence in fences:
        complete, keys = _take(fence, records_path, records, notes, taken)
        wrap = wrap and (complete or fence not in run)
        survey += keys if fence in run else []
    survey = list(dict.fromkeys(key for key in survey if key in records))
    keep = tuple(key for key in records if key not in survey)
    if not wrap or not survey:
        return Citations(_listed(records), (), tuple(records), None, (), tuple(notes))
    block = (run[0].line, run[-1].end)
    repairs = _block_repairs(scan, block, survey, records)
    return Citations(_listed(records), tuple(survey), keep, block, repairs, tuple(notes))


def _listed(records: dict[str, tuple[str, int]]) -> tuple[tuple[str, str, int], ...]:
    return tuple((key, text, line) for key, (text, line) in records.items())


def _citation_run(fences: list[Fence], lines: tuple[str, ...]) -> list[Fence]:
    """The fences of the citation section that follow one another with only blank lines."""
    cited = [f for f in fences if f.headings and _CITATION_HEADING.search(
        plain_text(f.headings[-1][1]))]
    candidates = cited or fences[-1:]
    if not candidates:
        return []
    run = [candidates[0]]
    for fence in candidates[1:]:
        between = lines[run[-1].end:fence.line - 1]
        if any(line.strip() for line in between):
            break
        run.append(fence)
    return run


def _take(fence: Fence, path: Path, records: dict[str, tuple[str, int]],
          notes: list[ImportNote], taken: set[str]) -> tuple[bool, list[str]]:
    """Add a fence's records; whether every one of them could be taken, and their keys."""
    from bibtexparser.entrypoint import parse_string  # only import reads README BibTeX

    library = parse_string(fence.content, parse_stack=[])
    others = [block for block in library.blocks if block not in library.entries
              and str(block.raw or "").strip()]
    complete = not others
    for block in others:
        line = fence.line + 1 + (block.start_line or 0)
        notes.append(ImportNote(line, "text besides BibTeX records (a comment, a macro, a "
                                "record that cannot be read): the block is left as written"))
    for entry in library.entries:
        line = fence.line + 1 + (entry.start_line or 0)
        complete = _add(str(entry.raw), entry.key, line, path, records, notes, taken) \
            and complete
    return complete, [entry.key for entry in library.entries]


def _add(text: str, key: str, line: int, path: Path, records: dict[str, tuple[str, int]],
         notes: list[ImportNote], taken: set[str]) -> bool:
    try:
        parse_hand_records(text, path)
    except InputError as error:
        notes.append(ImportNote(line, f"record '{key}' is not taken: {error.message}"))
        return False
    if key in taken:
        notes.append(ImportNote(line, f"record '{key}' is in {path.name} already; kept there"))
    elif key in records and " ".join(records[key][0].split()) != " ".join(text.split()):
        notes.append(ImportNote(line, f"record '{key}' is written twice, differently; the "
                                f"first, from line {records[key][1]}, is kept"))
    else:
        records.setdefault(key, (text, line))
    return True


def _block_repairs(scan: Scan, block: tuple[int, int], survey: list[str],
                   records: dict[str, tuple[str, int]]) -> tuple[Repair, ...]:
    """How the citation block build writes differs from the fences it replaces."""
    first, last = block
    before = list(scan.lines[first - 1:last])
    after = code_fence("\n\n".join(records[key][0] for key in survey), "bibtex").split("\n")
    if len(before) == len(after):
        return tuple(Repair("citation", first + offset, None, None, old, new)
                     for offset, (old, new) in enumerate(zip(before, after, strict=True))
                     if old.rstrip("\r") != new)
    return (Repair("citation", first, None, None, "\n".join(before), "\n".join(after)),)
