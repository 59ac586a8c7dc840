"""The site's Atom feed of additions: the works most recently added, newest first.

Ids are URNs derived from the list and each row (stable whatever the site's address);
dates come from the entries' ``added`` days, never from the time of the build.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from .jinja import environment
from .sitedata import Site, SiteWork

FEED_SIZE = 50
NO_DATE = "1970-01-01"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://pypi.org/project/speechlm-bib/")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One addition: the work, its id and the page's anchor of it."""

    work: SiteWork
    id: str
    page_link: str
    section: str


def newest_first(works: Sequence[SiteWork]) -> list[SiteWork]:
    """The works that record the day they were added, newest first, then in list order."""
    dated = [work for work in works if work.added]
    return sorted(dated, key=lambda work: str(work.added), reverse=True)


def urn(*parts: str) -> str:
    """A stable ``urn:uuid:`` id for the named thing.

    >>> urn("cui2024recent", "models", "defossez2024moshi")
    'urn:uuid:ea532061-edb4-5e47-8ca3-31b63e4723d7'
    """
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, '/'.join(parts))}"


def render_feed(site: Site, base_url: str = "") -> str:
    """The Atom feed; links are relative to the feed unless ``base_url`` names the site."""
    name = site.survey.key if site.survey else site.title
    headings = {section.id: section.heading for section in site.sections}
    works = newest_first(site.works)
    entries = [FeedEntry(work, urn(name, work.section, work.key or work.id),
                         f"{base_url}index.html#{work.id}", headings[work.section])
               for work in works[:FEED_SIZE]]
    template = environment().get_template("feed.xml.j2")
    return template.render(site=site, id=urn(name), entries=entries, base=base_url,
                           updated=str(works[0].added) if works else NO_DATE)
