"""The Jinja2 environment of the site's templates (package data under templates/site/)."""

from __future__ import annotations

import functools
from importlib import resources

import jinja2

TEMPLATES = "templates/site"


@functools.cache
def environment() -> jinja2.Environment:
    """The site's template environment: autoescaping on, strict about undefined names."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("speechlm_bib", TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # Compact, deterministic page data; tojson still escapes <, >, & and ' for HTML.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":"),
                                         "ensure_ascii": False}
    return env


def asset(name: str) -> str:
    """The text of a static file of the site (a stylesheet or script), as shipped."""
    path = resources.files("speechlm_bib").joinpath(TEMPLATES, name)
    return path.read_text(encoding="utf-8")
