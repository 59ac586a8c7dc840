"""The site's Atom feed of additions, read back by a feed parser."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser

from speechlm_bib.render.feed import FEED_SIZE, render_feed
from speechlm_bib.services.site import load_site

from conftest import REPO, Cli

BASE = "https://lists.example.org/speechlm/"


def _date(path: Path, day: str | None) -> None:
    """Set (or, with None, remove) the day an entry file records it was added."""
    text = re.sub(r"^added: .*\n", "", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    path.write_text(text + (f"added: {day}\n" if day else ""), encoding="utf-8")


def _parse(text: str) -> feedparser.FeedParserDict:
    feed = feedparser.parse(text)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_the_feed_lists_the_newest_additions_first(survey_repo: Path, run: Cli) -> None:
    entries = survey_repo / "entries"
    _date(entries / "benchmarks" / "140-voxeval.yaml", "2027-01-02")
    _date(entries / "datasets" / "010-librispeech.yaml", "2027-01-03")
    _date(entries / "models" / "020-claude-voice-mode.yaml", "2027-01-02")
    _date(entries / "models" / "010-openai-advanced-voice-mode.yaml", None)
    result = run("site", "--base-url", BASE, root=survey_repo)
    assert result.exit_code == 0, result.stderr
    feed = _parse((survey_repo / "site" / "feed.xml").read_text(encoding="utf-8"))
    assert feed.feed.updated == "2027-01-03T00:00:00Z"
    assert feed.feed.id.startswith("urn:uuid:")
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {"self": BASE + "feed.xml", "alternate": BASE + "index.html"}
    titles = [entry.title for entry in feed.entries]
    # newest first; on one day, in list order
    assert titles[:3] == [
        "LibriSpeech: Librispeech: An ASR corpus based on public domain audio books",
        "Claude Voice Mode: Using Voice Mode on Claude Mobile Apps",
        "VoxEval: VoxEval: Benchmarking the Knowledge Understanding Capabilities of "
        "End-to-End Spoken Language Models",
    ]
    assert [entry.updated for entry in feed.entries[:4]] == [
        "2027-01-03T00:00:00Z", "2027-01-02T00:00:00Z", "2027-01-02T00:00:00Z",
        "2026-11-24T00:00:00Z"]
    assert not any(t.startswith("OpenAI Advanced Voice Mode") for t in titles)
    assert len(feed.entries) == FEED_SIZE


def test_each_entry_has_a_stable_id_links_and_authors(survey_repo: Path, run: Cli) -> None:
    run("site", root=survey_repo)
    feed = _parse((survey_repo / "site" / "feed.xml").read_text(encoding="utf-8"))
    ids = [entry.id for entry in feed.entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("urn:uuid:") for i in ids)
    first = feed.entries[0]
    links = {link.rel: link.href for link in first.links}
    assert links == {"alternate": "https://help.openai.com/en/articles/"
                                  "9617425-advanced-voice-mode-faq",
                     "related": "index.html#models/010-openai-advanced-voice-mode"}
    assert first.published == first.updated == "2026-11-24T00:00:00Z"
    assert [a.name for a in first.authors] == ["OpenAI"]
    assert first.tags[0].term == "models" and first.tags[0].label == "Existing SpeechLMs"
    (survey_repo / "site" / "feed.xml").unlink()
    run("site", "--base-url", BASE, root=survey_repo)
    rebuilt = _parse((survey_repo / "site" / "feed.xml").read_text(encoding="utf-8"))
    assert [entry.id for entry in rebuilt.entries] == ids  # ids do not depend on the address


def test_the_feed_of_the_committed_list_is_well_formed_and_dated_by_the_entries() -> None:
    site = load_site(REPO)
    feed = _parse(render_feed(site))
    newest = max(str(work.added) for work in site.works if work.added)
    assert feed.feed.updated == f"{newest}T00:00:00Z"
    assert feed.feed.title.startswith("Recent Advances in Speech Language Models: A Survey")
