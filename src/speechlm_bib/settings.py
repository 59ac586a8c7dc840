"""The ``SPEECHLM_BIB_*`` settings: read from the environment once, at the command line's edge.

Each reader validates one variable and raises ``SettingsError`` naming it and the form it
takes; the values then travel as arguments, never read again from the environment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from .errors import SettingsError

_EMAIL = re.compile(r"[^@\s<>()\[\];:,]+@[^@\s<>()\[\];:,]+\.[^@\s<>()\[\];:,.]+")


def number(env: Mapping[str, str], name: str, default: float, *,
           minimum: float = 0.0, maximum: float | None = None) -> float:
    """A number of the environment (seconds, say) between minimum and maximum.

    >>> number({"X": "2.5"}, "X", 3.0)
    2.5
    >>> number({}, "X", 3.0)
    3.0
    """
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (value >= minimum and (maximum is None or value <= maximum)):
        raise SettingsError(f"{name} must be {_range(minimum, maximum, 'a number')}, "
                            f"not {text!r}")
    return value


def integer(env: Mapping[str, str], name: str, default: int, *,
            minimum: int = 0, maximum: int | None = None) -> int:
    """A whole number of the environment between minimum and maximum.

    >>> integer({"X": "7"}, "X", 4)
    7
    """
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < minimum or (maximum is not None and int(text) > maximum):
        raise SettingsError(f"{name} must be {_range(minimum, maximum, 'a whole number')}, "
                            f"not {text!r}")
    return int(text)


def url(env: Mapping[str, str], name: str, default: str) -> str:
    """An http(s) URL of the environment (a service's endpoint), without a trailing slash.

    >>> url({"X": "http://127.0.0.1:8080/api/"}, "X", "https://example.org")
    'http://127.0.0.1:8080/api'
    """
    text = env.get(name, "").strip()
    if not text:
        return default
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise SettingsError(f"{name} must be an http(s) URL such as {default}, not {text!r}")
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


def _range(minimum: float, maximum: float | None, what: str) -> str:
    """How a bounded number is described in a message.

    >>> _range(0, None, "a number"), _range(1, 100, "a whole number")
    ('a number from 0 up', 'a whole number from 1 to 100')
    """
    low = f"{minimum:g}"
    return f"{what} from {low} up" if maximum is None else f"{what} from {low} to {maximum:g}"
