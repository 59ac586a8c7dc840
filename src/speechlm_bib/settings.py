"""The ``SPEECHLM_BIB_*`` settings: read from the environment once, at the command line's edge.

Each reader validates one variable and raises ``SettingsError`` naming it and the form it
takes; the values then travel as arguments, never read again from the environment.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from .errors import SettingsError

_EMAIL = re.compile(r"[^@\s<>()\[\];:,]+@[^@\s<>()\[\];:,]+\.[^@\s<>()\[\];:,.]+")
MAX_SECONDS = 3600.0
"""The longest delay, timeout or wait a setting may ask for: an hour."""
_DIGITS = re.compile(r"[0-9]+")


def number(env: Mapping[str, str], name: str, default: float, *,
           minimum: float = 0.0, maximum: float = MAX_SECONDS) -> float:
    """A finite number of the environment (seconds, say) between minimum and maximum.

    >>> number({"X": "2.5"}, "X", 3.0)
    2.5
    >>> number({}, "X", 3.0)
    3.0
    >>> number({"X": "inf"}, "X", 3.0)
    Traceback (most recent call last):
    speechlm_bib.errors.SettingsError: X must be a number from 0 to 3600, not 'inf'
    """
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and minimum <= value <= maximum):
        raise SettingsError(f"{name} must be {_range(minimum, maximum, 'a number')}, "
                            f"not {text!r}")
    return value


def integer(env: Mapping[str, str], name: str, default: int, *,
            minimum: int = 0, maximum: int | None = None) -> int:
    """A whole number of the environment between minimum and maximum.

    >>> integer({"X": "7"}, "X", 4)
    7
    >>> integer({"X": "²"}, "X", 4)
    Traceback (most recent call last):
    speechlm_bib.errors.SettingsError: X must be a whole number from 0 up, not '²'
    """
    text = env.get(name, "").strip()
    if not text:
        return default
    if (not _DIGITS.fullmatch(text) or int(text) < minimum
            or (maximum is not None and int(text) > maximum)):
        raise SettingsError(f"{name} must be {_range(minimum, maximum, 'a whole number')}, "
                            f"not {text!r}")
    return int(text)


def switch(env: Mapping[str, str], name: str, default: bool) -> bool:
    """An on/off setting of the environment: 1, on, yes, true or 0, off, no, false.

    >>> switch({"X": "off"}, "X", True), switch({}, "X", True)
    (False, True)
    >>> switch({"X": "maybe"}, "X", True)
    Traceback (most recent call last):
    speechlm_bib.errors.SettingsError: X must be on or off (1 or 0), not 'maybe'
    """
    text = env.get(name, "").strip().lower()
    if not text:
        return default
    if text in _ON or text in _OFF:
        return text in _ON
    raise SettingsError(f"{name} must be on or off (1 or 0), not {env[name].strip()!r}")


_ON, _OFF = frozenset({"1", "on", "yes", "true"}), frozenset({"0", "off", "no", "false"})


def url(env: Mapping[str, str], name: str, default: str) -> str:
    """An http(s) URL of the environment (a service's endpoint), without a trailing slash.

    The endpoint takes no query or fragment: the request's own query is appended to it.

    >>> url({"X": "http://127.0.0.1:8080/api/"}, "X", "https://example.org")
    'http://127.0.0.1:8080/api'
    """
    text = env.get(name, "").strip()
    if not text:
        return default
    if not _is_endpoint(text):
        raise SettingsError(f"{name} must be an http(s) URL such as {default}, without query "
                            f"or fragment, not {text!r}")
    return text.rstrip("/")


def email(env: Mapping[str, str], name: str) -> str | None:
    """A contact e-mail address of the environment, or None when the variable is unset.

    >>> email({"X": " maintainer@example.org "}, "X")
    'maintainer@example.org'
    >>> email({}, "X") is None
    True
    """
    text = env.get(name, "").strip()
    if not text:
        return None
    if _EMAIL.fullmatch(text) is None:
        raise SettingsError(f"{name} must be an e-mail address such as name@example.org, "
                            f"not {text!r}")
    return text


def _is_endpoint(text: str) -> bool:
    """Whether text is an http(s) URL with a host, a valid port and nothing after its path.

    >>> [_is_endpoint(t) for t in ("https://h/api", "http://h:99999/", "http://h/a b",
    ...                            "http://h/api?x=1", "http:///api", "http://[::1/")]
    [True, False, False, False, False, False]
    """
    if any(c.isspace() or not c.isprintable() for c in text):
        return False
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 -- raises ValueError when out of range or not a number
    except ValueError:
        return False
    return (parts.scheme in {"http", "https"} and bool(parts.hostname)
            and not parts.query and not parts.fragment and not text.endswith(("?", "#")))


def _range(minimum: float, maximum: float | None, what: str) -> str:
    """How a bounded number is described in a message.

    >>> _range(0, None, "a number"), _range(1, 100, "a whole number")
    ('a number from 0 up', 'a whole number from 1 to 100')
    """
    low = f"{minimum:g}"
    return f"{what} from {low} up" if maximum is None else f"{what} from {low} to {maximum:g}"
