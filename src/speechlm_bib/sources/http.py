"""The HTTP layer the DBLP and Crossref sources share, on ``requests``.

One `Client` per service: it waits the service's delay between requests (longer when the
service advertises a lower rate in ``X-Rate-Limit-Limit``/``X-Rate-Limit-Interval``), sends a
User-Agent naming speechlm-bib (and a contact address when one is configured), times out, and
retries with exponential backoff what may succeed on a later try: 429, every 5xx, dropped
connections, timeouts, and answers that cannot be read (an HTML page, cut-off JSON).
Retry-After (seconds or an HTTP date) is honoured; when it asks for longer than the allowed
wait the key fails at once rather than hammering the service. Other 4xx statuses are answers,
handed to the source's reader (a 404 may mean "unknown"), never retried.

A source turns each key into a value, None (unknown) or a `ServiceFault` with `fetch_each`,
which also stops asking after a run of failures, so an outage costs a few requests, not one
round of retries per key.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from .. import __version__, settings
from ..errors import FetchError
from . import Progress, Result, Tally

logger = logging.getLogger(__name__)

T = TypeVar("T")

RETRYABLE = frozenset({429})
"""Statuses worth another try besides every 5xx."""
FAILURES_IN_A_ROW = 3
"""Keys that may fail one after another before the rest are not asked at all."""


class ServiceFault(FetchError):
    """A service could not give a usable answer.

    ``reason`` is one line; ``retry`` says whether a later try may succeed; ``wait`` is what
    the service's Retry-After asked for, if anything.
    """

    def __init__(self, reason: str, *, retry: bool, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry
        self.wait = wait


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """Where and how politely to ask one service."""

    api: str
    delay: float
    timeout: float = 30.0
    retries: int = 4
    max_wait: float = 120.0
    user_agent: str = f"speechlm-bib/{__version__}"

    @classmethod
    def from_environment(cls, env: Mapping[str, str], service: str, api: str,
                         delay: float) -> HttpSettings:
        """Settings from SPEECHLM_BIB_<SERVICE>_API, _DELAY, _TIMEOUT, _RETRIES and MAILTO."""
        prefix = f"SPEECHLM_BIB_{service}_"
        defaults = cls(api, delay)
        return cls(
            api=settings.url(env, prefix + "API", api),
            delay=settings.number(env, prefix + "DELAY", delay),
            timeout=settings.number(env, prefix + "TIMEOUT", defaults.timeout, minimum=0.001),
            retries=settings.integer(env, prefix + "RETRIES", defaults.retries, maximum=20),
            user_agent=user_agent(settings.email(env, "SPEECHLM_BIB_MAILTO")),
        )


def user_agent(mailto: str | None) -> str:
    """The User-Agent: the tool and its version, and a contact address when there is one.

    >>> user_agent("maintainer@example.org")
    'speechlm-bib/0.1.0 (mailto:maintainer@example.org)'
    """
    base = f"speechlm-bib/{__version__}"
    return base if mailto is None else f"{base} (mailto:{mailto})"


@dataclass(frozen=True, slots=True)
class Reply:
    """A service's answer: status, headers (lower-case names) and body."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def text(self) -> str:
        """The body as text (UTF-8; a byte that is not is a fault worth retrying)."""
        try:
            return self.body.decode("utf-8")
        except UnicodeDecodeError:
            raise ServiceFault("an answer that is not UTF-8 text", retry=True) from None

    def json(self) -> Any:
        """The body as JSON; an HTML page or cut-off JSON is a fault worth retrying."""
        if looks_like_html(self.headers.get("content-type", ""), self.body):
            raise ServiceFault("an HTML page instead of JSON", retry=True)
        try:
            return json.loads(self.body)
        except ValueError:
            raise ServiceFault("a cut-off or unreadable JSON answer", retry=True) from None

    def fault(self) -> ServiceFault:
        """The fault this status stands for, when no reader takes it as an answer."""
        return ServiceFault(f"HTTP {self.status}", retry=is_retryable(self.status))


def looks_like_html(content_type: str, body: bytes) -> bool:
    """Whether an answer is a web page (an error page, a proxy's notice) rather than data.

    >>> looks_like_html("text/html; charset=utf-8", b"{}")
    True
    >>> looks_like_html("application/json", b"  <!DOCTYPE html><html>")
    True
    >>> looks_like_html("application/json", b'{"a": 1}')
    False
    """
    head = body[:200].lstrip().lower()
    return "html" in content_type.lower() or head.startswith((b"<!doctype html", b"<html"))


def is_retryable(status: int) -> bool:
    """Whether a status is worth another try: 429 and every 5xx.

    >>> [is_retryable(s) for s in (429, 500, 503, 400, 404)]
    [True, True, True, False, False]
    """
    return status in RETRYABLE or 500 <= status <= 599


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After value (seconds or an HTTP date), if it has one.

    >>> retry_after("7", 0.0)
    7.0
    >>> retry_after("Thu, 01 Jan 1970 00:01:00 GMT", 30.0)
    30.0
    >>> retry_after("soon", 0.0) is None
    True
    """
    import email.utils  # loaded only when a Retry-After date is read

    if not value or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def advertised_interval(headers: Mapping[str, str]) -> float:
    """Seconds between requests that X-Rate-Limit-Limit and -Interval allow (0 if unsaid).

    >>> advertised_interval({"x-rate-limit-limit": "5", "x-rate-limit-interval": "1s"})
    0.2
    >>> advertised_interval({})
    0.0
    """
    try:
        limit = int(headers.get("x-rate-limit-limit", ""))
        interval = float(headers.get("x-rate-limit-interval", "").rstrip("s"))
    except ValueError:
        return 0.0
    return interval / limit if limit > 0 and interval > 0 else 0.0


class Client:
    """GET requests to one service: delay, timeout, retries, Retry-After, a request count."""

    def __init__(self, settings: HttpSettings) -> None:
        self.settings = settings
        self.requests = 0
        self._interval = settings.delay
        self._last: float | None = None
        self._session: Any = None

    def get(self, path: str, params: Mapping[str, str] | None,
            read: Callable[[Reply], T]) -> T:
        """GET ``api + path`` and read the reply, retrying faults worth retrying."""
        attempt = 0
        while True:
            try:
                return read(self._send(path, params))
            except ServiceFault as fault:
                if not fault.retry or attempt >= self.settings.retries:
                    raise
                self._back_off(attempt, fault)
            attempt += 1

    def _send(self, path: str, params: Mapping[str, str] | None) -> Reply:
        """One request after the delay; a retryable status or a lost connection is a fault."""
        import requests

        self._pace()
        self.requests += 1
        try:
            response = self._open().get(self.settings.api + path, params=params,
                                        timeout=self.settings.timeout)
        except requests.Timeout:
            raise ServiceFault(f"no answer within {self.settings.timeout:g} s",
                               retry=True) from None
        except requests.ConnectionError as error:
            raise ServiceFault(f"connection failed ({type(error).__name__})",
                               retry=True) from None
        except requests.RequestException as error:
            raise ServiceFault(f"request failed ({type(error).__name__})", retry=False) from None
        finally:
            self._last = time.monotonic()
        return self._reply(response)

    def _reply(self, response: Any) -> Reply:
        headers = {k.lower(): v for k, v in response.headers.items()}
        self._interval = max(self.settings.delay, advertised_interval(headers))
        reply = Reply(response.status_code, headers, response.content)
        if is_retryable(reply.status):
            wait = retry_after(headers.get("retry-after"), time.time())
            raise ServiceFault(f"HTTP {reply.status}", retry=True, wait=wait)
        return reply

    def _open(self) -> Any:
        if self._session is None:
            import requests

            self._session = requests.Session()
            self._session.headers["User-Agent"] = self.settings.user_agent
        return self._session

    def _pace(self) -> None:
        """Wait until the delay since the previous request has passed."""
        if self._last is not None:
            time.sleep(max(0.0, self._last + self._interval - time.monotonic()))

    def _back_off(self, attempt: int, fault: ServiceFault) -> None:
        """Wait before the next try: exponential backoff, or what Retry-After asks."""
        seconds = min(self.settings.delay * 2 ** attempt, self.settings.max_wait)
        if fault.wait is not None:
            if fault.wait > self.settings.max_wait:
                raise ServiceFault(f"{fault.reason}, asked to wait {fault.wait:.0f} s "
                                   f"(more than {self.settings.max_wait:g} s)", retry=False)
            seconds = max(seconds, fault.wait)
        # A wait of a second or more is a warning, so that it is not silent (see arxiv.py).
        logger.log(logging.WARNING if seconds >= 1 else logging.INFO,
                   "%s: %s; retrying in %.0f s (retry %d of %d)", self.settings.api,
                   fault.reason, seconds, attempt + 1, self.settings.retries)
        time.sleep(seconds)

    def close(self) -> None:
        """Close the connection pool."""
        if self._session is not None:
            self._session.close()
            self._session = None


def fetch_each(client: Client, keys: Iterable[str], fetch_one: Callable[[str], T | None],
               progress: Progress | None = None) -> Result[T]:
    """Ask about each key once: a value, None for unknown, or a `ServiceFault` for failed.

    After `FAILURES_IN_A_ROW` failures one after another the remaining keys fail without a
    request, naming the last reason: the service is down, and asking on would only wait.
    """
    tally: Tally[T] = Tally()
    before = client.requests
    in_a_row, last = 0, ""
    for key in dict.fromkeys(keys):
        if in_a_row >= FAILURES_IN_A_ROW:
            tally.failed[key] = f"not asked after {in_a_row} failures in a row ({last})"
        else:
            last = _settle(key, fetch_one, tally)
            in_a_row = in_a_row + 1 if last else 0
        if progress is not None:
            progress(1)
    return tally.result(client.requests - before)


def _settle(key: str, fetch_one: Callable[[str], T | None], tally: Tally[T]) -> str:
    """Fetch one key into the tally; the failure's reason, or "" when it did not fail."""
    try:
        value = fetch_one(key)
    except ServiceFault as fault:
        tally.failed[key] = fault.reason
        return fault.reason
    if value is None:
        tally.unknown.append(key)
    else:
        tally.found[key] = value
    return ""
