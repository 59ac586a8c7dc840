"""The shared HTTP layer, driven through the DBLP and Crossref sources over real HTTP.

Every test here gets its own loopback servers, so a slow answer still pending when a test
ends cannot land in another test's request log.
"""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Iterator

import pytest

from speechlm_bib.errors import SettingsError
from speechlm_bib.model import ArxivMetadata
from speechlm_bib.sources import Result, Source, arxiv_source
from speechlm_bib.sources import crossref as crossref_source
from speechlm_bib.sources import dblp as dblp_source
from speechlm_bib.sources.arxiv import FetchSettings
from speechlm_bib.sources.crossref import Crossref, CrossrefWork
from speechlm_bib.sources.dblp import Dblp, DblpHit
from speechlm_bib.sources.http import FAILURES_IN_A_ROW, HttpSettings, user_agent

from arxiv_server import ArxivReplayServer
from conftest import SCHOLARLY_DECOYS, SCHOLARLY_REPLAY
from scholarly_server import CrossrefReplay, Fault, ReplayServer, load_both, settle

ACL_SURVEY = "10.18653/v1/2025.acl-long.682"
LIBRISPEECH = "10.1109/ICASSP.2015.7178964"
SLAMMING = "Slamming Training a Speech Language Model on One GPU in a Day"


@pytest.fixture
def servers() -> Iterator[tuple[ReplayServer, ReplayServer]]:
    dblp, crossref = load_both([SCHOLARLY_REPLAY, SCHOLARLY_DECOYS])
    with ReplayServer(dblp) as dblp_server, ReplayServer(crossref) as crossref_server:
        yield dblp_server, crossref_server


@pytest.fixture
def dblp_server(servers: tuple[ReplayServer, ReplayServer]) -> ReplayServer:
    return servers[0]


@pytest.fixture
def crossref_server(servers: tuple[ReplayServer, ReplayServer]) -> ReplayServer:
    return servers[1]


def settings(server: ReplayServer, **changes: float | int | str) -> HttpSettings:
    base = {"api": server.url, "delay": 0.0, "timeout": 1.0, "retries": 2, "max_wait": 5.0}
    base.update(changes)
    return HttpSettings(**base)  # type: ignore[arg-type]


def dblp(server: ReplayServer, **changes: float | int | str) -> Dblp:
    return Dblp(settings(server, **changes))


def crossref(server: ReplayServer, **changes: float | int | str) -> Crossref:
    return Crossref(settings(server, **changes))


def statuses(server: ReplayServer, count: int) -> list[int | None]:
    return [r.status for r in settle(server, count)]


# ----------------------------------------------------------------------------- answers


def test_a_found_doi_and_an_unknown_one(crossref_server: ReplayServer) -> None:
    result = crossref(crossref_server).works([ACL_SURVEY, "10.1234/no-such-work"])

    assert result.found[ACL_SURVEY].title == "Recent Advances in Speech Language Models: A Survey"
    assert result.unknown == ("10.1234/no-such-work",)
    assert result.failed == {}
    assert result.requests == 2
    assert statuses(crossref_server, 2) == [200, 404]


def test_the_same_key_twice_is_asked_once(crossref_server: ReplayServer) -> None:
    result = crossref(crossref_server).works([ACL_SURVEY, ACL_SURVEY])

    assert list(result.found) == [ACL_SURVEY]
    assert result.requests == 1


def test_a_search_nothing_matches_is_unknown(dblp_server: ReplayServer) -> None:
    result = dblp(dblp_server).search(["zzzz qqqq"])

    assert result.unknown == ("zzzz qqqq",)
    assert result.found == {} and result.failed == {}


def test_progress_is_told_of_every_key(crossref_server: ReplayServer) -> None:
    seen: list[int] = []
    crossref_server.fail_matching({"10.1/broken": Fault.http(400)})

    crossref(crossref_server).works([ACL_SURVEY, "10.1/unknown", "10.1/broken"], seen.append)

    assert seen == [1, 1, 1]


def test_user_agent_names_the_tool_and_the_contact(crossref_server: ReplayServer) -> None:
    agent = user_agent("maintainer@example.org")

    crossref(crossref_server, user_agent=agent).works([ACL_SURVEY])

    sent = settle(crossref_server, 1)[0].user_agent
    assert sent == "speechlm-bib/0.1.0 (mailto:maintainer@example.org)"


# ----------------------------------------------------------------------------- faults


def test_429_waits_as_long_as_retry_after_says(dblp_server: ReplayServer) -> None:
    dblp_server.inject(Fault.rate_limited("1"))

    result = dblp(dblp_server).search([SLAMMING])

    assert SLAMMING in result.found
    first, second = settle(dblp_server, 2)
    assert (first.status, second.status) == (429, 200)
    assert second.received_at - first.received_at >= 1
    assert result.requests == 2


def test_retry_after_as_an_http_date(crossref_server: ReplayServer) -> None:
    when = email.utils.formatdate(time.time() + 3, usegmt=True)
    crossref_server.inject(Fault.http(503, {"Retry-After": when}))

    result = crossref(crossref_server).works([ACL_SURVEY])

    assert ACL_SURVEY in result.found
    first, second = settle(crossref_server, 2)
    # An HTTP date has whole seconds: at least two of the three asked for have to pass.
    assert second.received_at - first.received_at >= 1


def test_retry_after_longer_than_allowed_fails_at_once(dblp_server: ReplayServer) -> None:
    dblp_server.inject(Fault.rate_limited("3600"))
    started = time.monotonic()

    result = dblp(dblp_server, max_wait=5.0).search([SLAMMING])

    assert time.monotonic() - started < 5
    assert result.failed == {SLAMMING: "HTTP 429, asked to wait 3600 s (more than 5 s)"}
    assert result.requests == 1


def test_500_is_retried_then_reported_failed(crossref_server: ReplayServer) -> None:
    crossref_server.fail_matching({"/works/": Fault.http(500)})

    result = crossref(crossref_server, retries=2).works([ACL_SURVEY])

    assert result.failed == {ACL_SURVEY: "HTTP 500"}
    assert result.requests == 3
    assert statuses(crossref_server, 3) == [500, 500, 500]


def test_a_500_then_an_answer_is_found(crossref_server: ReplayServer) -> None:
    crossref_server.inject(Fault.http(502))

    result = crossref(crossref_server).works([ACL_SURVEY])

    assert ACL_SURVEY in result.found
    assert statuses(crossref_server, 2) == [502, 200]


def test_400_is_an_answer_and_not_retried(crossref_server: ReplayServer) -> None:
    crossref_server.inject(Fault.http(400))

    result = crossref(crossref_server).works([ACL_SURVEY])

    assert result.failed == {ACL_SURVEY: "HTTP 400"}
    assert result.requests == 1


def test_an_answer_slower_than_the_timeout_is_retried(dblp_server: ReplayServer) -> None:
    dblp_server.inject(Fault.slow(1.5))

    result = dblp(dblp_server, timeout=0.5).search([SLAMMING])

    assert SLAMMING in result.found
    assert result.requests == 2
    settle(dblp_server, 2)


def test_answers_that_never_come_in_time_fail(dblp_server: ReplayServer) -> None:
    dblp_server.fail_matching({"/search": Fault.slow(1.0)})

    result = dblp(dblp_server, timeout=0.3, retries=1).search([SLAMMING])

    assert result.failed == {SLAMMING: "no answer within 0.3 s"}
    settle(dblp_server, 2)


@pytest.mark.parametrize("fault, reason", [
    (Fault.html(), "an HTML page instead of JSON"),
    (Fault.truncated(), "a cut-off or unreadable JSON answer"),
    (Fault.reset(), "connection failed (ConnectionError)"),
], ids=["html", "truncated-json", "reset"])
def test_an_unreadable_answer_is_a_fault_never_nothing_found(
    fault: Fault, reason: str, dblp_server: ReplayServer, crossref_server: ReplayServer
) -> None:
    dblp_server.fail_matching({"/search": fault})
    crossref_server.fail_matching({"/works": fault})

    searched = dblp(dblp_server, retries=1).search([SLAMMING])
    fetched = crossref(crossref_server, retries=1).works([ACL_SURVEY])

    assert searched.failed == {SLAMMING: reason} and not searched.unknown
    assert fetched.failed == {ACL_SURVEY: reason}
    assert searched.requests == fetched.requests == 2


@pytest.mark.parametrize("fault", [Fault.html(), Fault.truncated()], ids=["html", "truncated"])
def test_a_fault_once_is_survived(fault: Fault, crossref_server: ReplayServer) -> None:
    crossref_server.inject(fault)

    result = crossref(crossref_server).search(["Recent Advances in Speech Language Models"])

    assert len(result.found["Recent Advances in Speech Language Models"]) == 5
    assert result.requests == 2


def test_an_html_record_is_a_fault(dblp_server: ReplayServer) -> None:
    dblp_server.fail_matching({"/rec/": Fault.html()})

    result = dblp(dblp_server, retries=0).records(["conf/acl/MaimonEA25"])

    assert result.failed == {"conf/acl/MaimonEA25": "a record answer that is not BibTeX"}


def test_an_outage_stops_the_asking(crossref_server: ReplayServer) -> None:
    crossref_server.fail_matching({"/works/": Fault.http(503)})
    dois = [f"10.1234/x{i}" for i in range(FAILURES_IN_A_ROW + 4)]

    result = crossref(crossref_server, retries=1).works(dois)

    assert set(result.failed) == set(dois)
    assert result.requests == FAILURES_IN_A_ROW * 2
    reason = f"not asked after {FAILURES_IN_A_ROW} failures in a row (HTTP 503)"
    assert result.failed[dois[-1]] == reason


def test_a_failure_between_answers_does_not_stop_the_asking(crossref_server: ReplayServer) -> None:
    crossref_server.fail_matching({"10.1/broken": Fault.http(400)})
    dois = ["10.1/broken", ACL_SURVEY, "10.1/broken-too", LIBRISPEECH]

    result = crossref(crossref_server).works(dois)

    assert set(result.failed) == {"10.1/broken", "10.1/broken-too"}
    assert set(result.found) == {ACL_SURVEY, LIBRISPEECH}


# ----------------------------------------------------------------------------- pace


def test_the_delay_holds_between_requests_of_both_endpoints(dblp_server: ReplayServer) -> None:
    source = dblp(dblp_server, delay=0.4)

    source.search([SLAMMING])
    source.records(["conf/acl/MaimonEA25"])

    first, second = settle(dblp_server, 2)
    assert second.received_at - first.received_at >= 0.4


def test_the_advertised_rate_slows_the_client_down(crossref_server: ReplayServer) -> None:
    service = crossref_server.service
    assert isinstance(service, CrossrefReplay)
    service.rate_limit = ("2", "1s")

    crossref(crossref_server).works([ACL_SURVEY, LIBRISPEECH])

    first, second = settle(crossref_server, 2)
    assert second.received_at - first.received_at >= 0.5


def test_backoff_doubles_the_delay(crossref_server: ReplayServer) -> None:
    crossref_server.inject(Fault.http(500), Fault.http(500))

    crossref(crossref_server, delay=0.2, retries=2).works([ACL_SURVEY])

    first, second, third = settle(crossref_server, 3)
    assert second.received_at - first.received_at >= 0.2
    assert third.received_at - second.received_at >= 0.4


# ----------------------------------------------------------------------------- settings


def test_default_settings_follow_each_service_guidance() -> None:
    dblp_settings = dblp_source.settings_from_environment({})
    crossref_settings = crossref_source.settings_from_environment({})

    assert (dblp_settings.api, dblp_settings.delay) == ("https://dblp.org", 2.0)
    assert (crossref_settings.api, crossref_settings.delay) == ("https://api.crossref.org", 1.0)
    assert crossref_settings.user_agent == "speechlm-bib/0.1.0"


def test_settings_from_the_environment() -> None:
    env = {"SPEECHLM_BIB_CROSSREF_API": "http://127.0.0.1:9/cr/",
           "SPEECHLM_BIB_CROSSREF_DELAY": "0.5", "SPEECHLM_BIB_CROSSREF_TIMEOUT": "7",
           "SPEECHLM_BIB_CROSSREF_RETRIES": "1",
           "SPEECHLM_BIB_MAILTO": "me@example.org", "SPEECHLM_BIB_DBLP_DELAY": "9"}

    got = crossref_source.settings_from_environment(env)

    assert got == HttpSettings("http://127.0.0.1:9/cr", 0.5, 7.0, 1, 120.0,
                               "speechlm-bib/0.1.0 (mailto:me@example.org)")


@pytest.mark.parametrize("name, value, says", [
    ("SPEECHLM_BIB_DBLP_API", "dblp.org", "SPEECHLM_BIB_DBLP_API must be an http(s) URL"),
    ("SPEECHLM_BIB_DBLP_DELAY", "-1", "SPEECHLM_BIB_DBLP_DELAY must be a number from 0 to 3600"),
    ("SPEECHLM_BIB_DBLP_TIMEOUT", "0", "SPEECHLM_BIB_DBLP_TIMEOUT must be a number"),
    ("SPEECHLM_BIB_DBLP_RETRIES", "two", "SPEECHLM_BIB_DBLP_RETRIES must be a whole number"),
    ("SPEECHLM_BIB_MAILTO", "me at example", "SPEECHLM_BIB_MAILTO must be an e-mail address"),
])
def test_a_bad_setting_is_a_settings_error(name: str, value: str, says: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(says)) as raised:
        dblp_source.settings_from_environment({name: value})
    assert raised.value.exit_code == 2


# ----------------------------------------------------------------------------- one protocol


def test_every_source_fits_the_protocol(
    servers: tuple[ReplayServer, ReplayServer], arxiv: ArxivReplayServer
) -> None:
    dblp_service, crossref_service = dblp(servers[0]), crossref(servers[1])
    searches: Source[tuple[DblpHit, ...]] = dblp_service.search
    works: Source[CrossrefWork] = crossref_service.works
    arxiv_works: Source[ArxivMetadata] = arxiv_source(FetchSettings(api=arxiv.url, delay=0))

    results: list[Result[object]] = [searches([SLAMMING]), works([ACL_SURVEY]),
                                     arxiv_works(["2502.15814", "2502.99999"])]

    assert [len(r.found) for r in results] == [1, 1, 1]
    assert results[2].unknown == ("2502.99999",)
    assert [r.requests for r in results] == [1, 1, 1]


def test_a_404_with_another_body_is_not_an_unknown_doi(crossref_server: ReplayServer) -> None:
    crossref_server.inject(Fault.http(404))

    result = crossref(crossref_server).works([ACL_SURVEY])

    assert result.failed == {ACL_SURVEY: "HTTP 404"} and not result.unknown
    assert result.requests == 1
