"""The link checker against a real local HTTP server: answers, redirects, failures and politeness."""

import asyncio
import itertools
import threading

import pytest

from linkcheck.checker import LinkChecker, Politeness

FAST = Politeness(concurrency=10, per_host=4, delay=0, timeout=1, connect_timeout=1, user_agent="TestChecker/1 (+x)")


def check(*urls, politeness=FAST):
    return {result.url: result for result in LinkChecker(politeness).check(urls)}


def test_a_working_link_is_ok_after_one_head_request(link_site):
    url = link_site.url("/ok")
    result = check(url)[url]
    assert result.ok
    assert result.status_code == 200
    assert result.final_url == url
    assert [(method, path) for method, path, *_ in link_site.requests] == [("HEAD", "/ok")]


def test_every_request_says_who_is_checking(link_site):
    check(link_site.url("/ok"))
    assert link_site.requests[0][2] == "TestChecker/1 (+x)"


def test_permanent_redirects_are_followed_recorded_and_offered(link_site):
    url = link_site.url("/moved-twice")
    result = check(url)[url]
    assert result.ok
    assert result.redirects == [(308, link_site.url("/moved")), (301, link_site.url("/ok"))]
    assert result.final_url == link_site.url("/ok")
    assert result.permanently_redirected


def test_a_temporary_redirect_is_followed_but_not_offered_as_an_update(link_site):
    url = link_site.url("/temporary")
    result = check(url)[url]
    assert result.ok
    assert not result.permanently_redirected


def test_a_permanent_redirect_to_a_dead_page_is_a_failure(link_site):
    url = link_site.url("/gone-moved")
    result = check(url)[url]
    assert result.status_code == 404
    assert not result.ok
    assert not result.permanently_redirected


@pytest.mark.parametrize(("path", "status"), [("/missing", 404), ("/error", 500)])
def test_error_answers_are_failures_confirmed_with_get(link_site, path, status):
    url = link_site.url(path)
    result = check(url)[url]
    assert result.status_code == status
    assert not result.ok
    assert [method for method, *_ in link_site.requests] == ["HEAD", "GET"]


def test_a_server_that_refuses_head_is_asked_with_get(link_site):
    url = link_site.url("/no-head")
    result = check(url)[url]
    assert result.ok
    assert result.method == "GET"


def test_a_slow_server_times_out(link_site):
    url = link_site.url("/slow")
    result = check(url, politeness=Politeness(timeout=0.5, connect_timeout=0.5, delay=0))[url]
    assert not result.ok
    assert result.error == "Timed out"


def test_a_refused_connection_is_a_failure_with_a_reason(refused_url):
    result = check(refused_url)[refused_url]
    assert not result.ok
    assert result.status_code is None
    assert result.error == "Connection refused"


def test_a_redirect_loop_stops(link_site):
    url = link_site.url("/loop")
    result = check(url)[url]
    assert not result.ok
    assert result.error == "More than 10 redirects"


def test_requests_to_one_host_are_spaced_by_the_delay_and_limited_in_number(link_site):
    urls = [link_site.url(f"/page/{n}") for n in range(5)]
    LinkChecker(Politeness(concurrency=10, per_host=1, delay=0.3, timeout=2)).check(urls)
    starts = sorted(started for *_, started in link_site.requests)
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert len(starts) == 5
    # Measured where the server receives them, so with a little jitter.
    assert min(gaps) >= 0.2
    assert starts[-1] - starts[0] >= 1.15
    assert link_site.max_in_flight == 1


def test_other_hosts_are_checked_while_one_host_waits_its_turn(start_link_site):
    first_site = start_link_site()
    slow_host = [first_site.url(f"/page/a{n}") for n in range(4)]
    other_site = start_link_site()
    other_host = [other_site.url(f"/page/b{n}") for n in range(4)]
    results = LinkChecker(Politeness(concurrency=2, per_host=1, delay=0.3, timeout=2)).check(slow_host + other_host)
    assert all(result.ok for result in results)
    # Each host needs 3 gaps of 0.3 s; run one after the other that would be 2 s or more.
    assert max(result.elapsed for result in results) < 1.6


def test_the_checker_runs_from_a_thread_that_already_runs_an_event_loop(link_site):
    # Playwright's sync API leaves a loop running in the test thread: the checker must still work there.
    # (In a new thread, so this test does not depend on which loop the test process already runs.)
    results = []

    async def inside_a_loop():
        return LinkChecker(FAST).check([link_site.url("/ok")])

    thread = threading.Thread(target=lambda: results.extend(asyncio.run(inside_a_loop())))
    thread.start()
    thread.join(timeout=30)
    [result] = results
    assert result.ok
