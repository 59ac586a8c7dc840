"""A synthetic speechlm-bib repository of N arXiv entries, its arXiv replay data and a paper.

``generate(root, n)`` writes entries/list.yaml (three sections), N entry files, a few hand
records (works not on arXiv and published versions of arXiv works), entries/terms.txt and,
with ``synced=True``, what a sync would have left: data/arxiv.json and the keys pinned in the
entry files, plus paper.tex citing every key. It returns the replay entries
(``{arxiv_id: <entry> bytes}``) for tests/arxiv_server.py's ``ArxivReplayServer``, built with
its ``make_entry`` so that the loopback server answers exactly what the store holds.

Each row is named as lists name them: by the name its work's title gives itself before a
colon ("Naen: ..."), else by its section and number ("Model-3").

Two corpora: ``varied`` (the default) draws titles from 35 words, marked words and made-up
names, and authors from many families; ``adversarial`` draws every title from a vocabulary of
20 words and every family name from 10, as the papers of one subfield share their words and
labs their authors: near-duplicate detection and key assignment meet their hard case there.

The same ``n``, ``seed`` and corpus give the same bytes.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from speechlm_bib.bibtex.handrecords import parse_hand_records  # noqa: E402
from speechlm_bib.link import assign_keys  # noqa: E402
from speechlm_bib.model import ArxivMetadata, Entry, Repository  # noqa: E402
from speechlm_bib.store.arxivdata import render_arxiv_store  # noqa: E402

from arxiv_server import make_entry  # noqa: E402

SECTIONS = ("models", "datasets", "benchmarks")
SURVEY_KEY = "survey2025synthetic"
LIST_YAML = """\
survey: survey2025synthetic
sections:
- id: models
  heading: Models
  columns:
  - heading: Model
    source: name
  - heading: Title
    source: title
  - heading: Url
    source: link
- id: datasets
  heading: Datasets
  columns:
  - heading: Dataset
    source: name
    linked: true
  - heading: Hours
  - heading: Title
    source: title
- id: benchmarks
  heading: Benchmarks
  level: 3
  group: Evaluation
  columns:
  - heading: Benchmark
    source: name
  - heading: Title
    source: title
  - heading: Url
    source: link
"""
HAND_RECORDS = """\
% Hand-maintained records of the synthetic repository.

@article{survey2025synthetic,
  author = {Survey, Synthetic and Author, Second},
  title = {A Synthetic Survey of Spoken Language Models},
  journal = {Journal of Benchmarks},
  year = {2025},
  volume = {1},
  pages = {1--10},
}

@misc{openai2024advanced,
  author = {{OpenAI}},
  title = {Advanced Voice Mode {FAQ}},
  howpublished = {OpenAI Help Center},
  year = {2024},
  url = {https://help.openai.com/en/articles/9617425-advanced-voice-mode-faq},
}

@misc{anthropic2025using,
  author = {{Anthropic}},
  title = {Using Voice Mode on {Claude} Mobile Apps},
  howpublished = {Anthropic Help Center},
  year = {2025},
  url = {https://support.anthropic.com/en/articles/11101966-using-voice-mode},
}

@inproceedings{published2020first,
  author = {Published, First and Author, Second},
  title = {The First Published Work},
  booktitle = {Proceedings of Interspeech},
  year = {2020},
  pages = {1--5},
}

@inproceedings{published2020second,
  author = {Published, Second},
  title = {The Second Published Work},
  booktitle = {International Conference on Acoustics, Speech and Signal Processing ({ICASSP})},
  year = {2020},
}
"""
HAND_ENTRIES = (
    ("models", "openai2024advanced", "OpenAI Advanced Voice Mode",
     "https://help.openai.com/en/articles/9617425-advanced-voice-mode-faq"),
    ("models", "anthropic2025using", "Claude Voice Mode",
     "https://support.anthropic.com/en/articles/11101966-using-voice-mode"),
)
PUBLISHED_KEYS = ("published2020first", "published2020second")
TERMS = "# Protected terms of the synthetic repository.\nMandarin\nEnglish\nTransformer\n"

_WORDS = (
    "speech", "language", "model", "models", "spoken", "dialogue", "audio", "token", "tokens",
    "neural", "codec", "streaming", "full-duplex", "end-to-end", "scalable", "robust",
    "self-supervised", "representation", "learning", "generation", "synthesis", "recognition",
    "understanding", "benchmark", "evaluation", "large", "multilingual", "zero-shot",
    "instruction", "following", "expressive", "real-time", "low-latency", "discrete", "units",
)
_MARKED = ("HuBERT", "GPT-4o", "LLMs", "wav2vec", "Qwen2.5", "TTS", "ASR", "LLaMA", "Mandarin",
           "English", "Transformer", "R&D", "50%", "C#", "x_1")
_GIVEN = ("Alexandre", "Wenqian", "Aäron", "Łukasz", "Yossi", "Zhifu", "Tu Anh", "Ewan",
          "Chloé", "Jörg", "Siddharth", "María José", "Hyung Won", "Thành")
_FAMILY = ("Défossez", "Cui", "van den Oord", "Kaiser", "Adi", "Gao", "Nguyen", "Dunbar",
           "Müller", "Zhang", "Wang", "Li", "Chen", "O'Brien", "García-López", "de la Cruz")
_SYLLABLES = ("ka", "mo", "shi", "vox", "tral", "lu", "na", "ri", "ze", "qu", "en", "da", "po",
              "lin", "gua", "so", "ny", "ha", "ru", "bi", "ta", "xo", "vel", "dor")
_CATEGORIES = ("cs.CL", "cs.SD", "eess.AS", "cs.LG", None)
_FEW_WORDS = _WORDS[:20]
"""The adversarial corpus's vocabulary: every title is made of these 20 words."""
_FEW_FAMILIES = _FAMILY[:10]
"""The adversarial corpus's family names."""
CORPORA = ("varied", "adversarial")


@dataclass(frozen=True, slots=True)
class Work:
    """One synthetic arXiv work and the entry that lists it."""

    arxiv_id: str
    section: str
    name: str
    meta: ArxivMetadata
    slug: str
    """What the entry's file name says after its number."""


def arxiv_id(index: int) -> str:
    """The index-th synthetic arXiv id: 10,000 a month from January 2020.

    >>> arxiv_id(0), arxiv_id(12345)
    ('2001.00001', '2002.02346')
    """
    block, number = divmod(index, 10_000)
    year, month = divmod(block, 12)
    return f"{20 + year:02d}{month + 1:02d}.{number + 1:05d}"


def _title(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(4, 11))]
    if rng.random() < 0.6:
        words.insert(rng.randrange(len(words)), rng.choice(_MARKED))
    roll = rng.random()
    head = rng.choice(_MARKED[:8]) if roll < 0.2 else _coined(rng) if roll < 0.8 else None
    text = " ".join(words)
    text = text[0].upper() + text[1:]
    return f"{head}: {text}" if head else text


def _coined(rng: random.Random) -> str:
    """A made-up name (of a model, a dataset or a family)."""
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).title()


def _authors(rng: random.Random) -> tuple[str, ...]:
    count = rng.choice((1, 2, 3, 3, 4, 5, 6, 8, 12, 30))
    return tuple(
        f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY) if rng.random() < 0.3 else _coined(rng)}"
        for _ in range(count)
    )


def _few_title(rng: random.Random) -> str:
    """A title of 4 to 11 words from the adversarial corpus's 20."""
    text = " ".join(rng.choice(_FEW_WORDS) for _ in range(rng.randint(4, 11)))
    return text[0].upper() + text[1:]


def _few_authors(rng: random.Random) -> tuple[str, ...]:
    count = rng.choice((1, 2, 3, 3, 4, 5, 6, 8, 12, 30))
    return tuple(f"{rng.choice(_GIVEN)} {rng.choice(_FEW_FAMILIES)}" for _ in range(count))


def make_works(n: int, seed: int = 0, corpus: str = "varied") -> list[Work]:
    """N synthetic arXiv works of a corpus (``CORPORA``) spread over the sections."""
    if corpus not in CORPORA:
        raise ValueError(f"unknown corpus {corpus!r}: {', '.join(CORPORA)}")
    title, authors = (_title, _authors) if corpus == "varied" else (_few_title, _few_authors)
    rng = random.Random(seed)
    works = []
    for index in range(n):
        identifier = arxiv_id(index)
        published = f"20{identifier[:2]}-{identifier[2:4]}-15"
        meta = ArxivMetadata(
            id=identifier, version=rng.choice((1, 1, 1, 2, 3)), title=title(rng),
            authors=authors(rng), published=published, updated=published,
            primary_category=rng.choice(_CATEGORIES),
        )
        section = SECTIONS[index % len(SECTIONS)]
        label = f"{section[:-1].title()}-{index + 1}"
        works.append(Work(identifier, section, _own_name(meta.title) or label, meta,
                          label.lower()))
    return works


def _own_name(title: str) -> str | None:
    """The name a title gives its work before a colon ("Naen: ..."), as a list's row shows it.

    >>> _own_name("Naen: Streaming speech codec"), _own_name("Streaming speech codec")
    ('Naen', None)
    """
    head, colon, _ = title.partition(": ")
    return head if colon else None


def replay_entries(works: list[Work]) -> dict[str, bytes]:
    """The loopback server's entries for the works (what arXiv would answer)."""
    return {
        w.arxiv_id: make_entry(w.arxiv_id, w.meta.title, w.meta.authors, version=w.meta.version,
                               published=w.meta.published,
                               primary_category=w.meta.primary_category)
        for w in works
    }


def generate(root: Path, n: int, *, synced: bool = False, seed: int = 0,
             corpus: str = "varied") -> dict[str, bytes]:
    """Write a repository of n arXiv entries under root; the matching replay entries."""
    works = make_works(n, seed, corpus)
    entries_dir = root / "entries"
    for section in SECTIONS:
        (entries_dir / section).mkdir(parents=True, exist_ok=True)
    (entries_dir / "list.yaml").write_text(LIST_YAML, encoding="utf-8")
    (entries_dir / "records.bib").write_text(HAND_RECORDS, encoding="utf-8")
    (entries_dir / "terms.txt").write_text(TERMS, encoding="utf-8")
    files = _entry_files(root, works)
    keys = _pinned_keys(root, works, files) if synced else dict(_published_keys(files))
    for index, (path, fields) in enumerate(files.items()):
        key = keys.get(path)
        fields = {"key": key, **fields} if key else fields
        if path.parent.name == "datasets" and "arxiv" in fields:
            fields["columns"] = f"\n  Hours: '{100 * (index % 50 + 1)}'"
        path.write_text("".join(f"{k}:{_value(v)}\n" for k, v in fields.items()),
                        encoding="utf-8")
    if synced:
        store = {w.arxiv_id: w.meta for w in works}
        (root / "data").mkdir(exist_ok=True)
        (root / "data" / "arxiv.json").write_text(render_arxiv_store(store), encoding="utf-8")
        (root / "paper.tex").write_text(render_paper(sorted({*keys.values(), SURVEY_KEY})),
                                        encoding="utf-8")
    return replay_entries(works)


def _value(value: str) -> str:
    return value if value.startswith("\n") else " " + value


def _entry_files(root: Path, works: list[Work]) -> dict[Path, dict[str, str]]:
    files: dict[Path, dict[str, str]] = {}
    for index, work in enumerate(works):
        path = root / "entries" / work.section / f"{index + 1:07d}-{work.slug}.yaml"
        files[path] = {"name": work.name, "url": f"https://arxiv.org/abs/{work.arxiv_id}",
                       "arxiv": work.arxiv_id}
    for position, (section, key, name, url) in enumerate(HAND_ENTRIES):
        path = root / "entries" / section / f"0000000-{position}-hand.yaml"
        files[path] = {"key": key, "name": name, "url": url}
    return files


def _published_keys(files: dict[Path, dict[str, str]]) -> list[tuple[Path, str]]:
    """The first arXiv entries carry the keys of the published versions in records.bib."""
    arxiv_paths = [path for path, fields in files.items() if "arxiv" in fields]
    return list(zip(arxiv_paths, PUBLISHED_KEYS, strict=False))


def _pinned_keys(root: Path, works: list[Work],
                 files: dict[Path, dict[str, str]]) -> dict[Path, str]:
    """The keys a first sync pins, computed by speechlm-bib's own key assignment."""
    pinned = dict(_published_keys(files))
    entries = tuple(
        Entry(path=path, section=path.parent.name, name=fields["name"],
              arxiv=fields.get("arxiv"), key=pinned.get(path) or fields.get("key"))
        for path, fields in files.items()
    )
    hand = parse_hand_records(HAND_RECORDS, root / "entries" / "records.bib")
    repo = Repository(root=root, sections=(), entries=entries,
                      arxiv={w.arxiv_id: w.meta for w in works}, hand=hand)
    return assign_keys(repo)


def render_paper(keys: list[str]) -> str:
    """A LaTeX paper citing every key, a hundred to a \\cite."""
    cites = "\n".join(
        f"See \\cite{{{','.join(keys[i:i + 100])}}}." for i in range(0, len(keys), 100)
    )
    return (
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{lmodern}\n"
        "\\usepackage{url}\n\\begin{document}\n"
        f"{cites}\n\\bibliographystyle{{plain}}\n\\bibliography{{references}}\n\\end{{document}}\n"
    )
