"""The guard in front of Capillary: Retry-After, the circuit breaker, the budget, coalescing.

Capillary is replayed at the HTTP boundary (`responses`); upstream calls are counted there only.
"""

import json
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
import time_machine
from django.core.cache import cache
from django.urls import reverse

from membercare.audit.models import AuditEvent
from membercare.capillary import RateLimited, Unavailable
from membercare.lookup import services, upstream
from membercare.lookup.upstream import BreakerOpen, QuotaSpent, WaitingForCapillary
from tests.capillary.conftest import envelope, full_view_item
from tests.lookup.conftest import ENDPOINT, GOLD

pytestmark = pytest.mark.django_db


def answer_any_member(mock: responses.RequestsMock, *, pause: float = 0.0) -> None:
    """Capillary answers every user id with a record of that id (after `pause` seconds)."""

    def member(request: Any) -> tuple[int, dict[str, str], str]:
        time.sleep(pause)
        ids = parse_qs(urlsplit(request.url).query)["id"][0].split(",")  # several: a bulk call
        body = envelope(*(full_view_item() | {"user_id": int(user_id)} for user_id in ids))
        return 200, {"X-Cap-Requestid": "req-member"}, json.dumps(body)

    mock.add_callback(responses.GET, ENDPOINT, callback=member)


def refuse_connections(mock: responses.RequestsMock) -> None:
    mock.get(ENDPOINT, body=requests.ConnectionError("connection refused"))


def open_the_breaker(mock: responses.RequestsMock, failures: int = 5) -> None:
    refuse_connections(mock)
    for user_id in range(failures):
        with pytest.raises(Unavailable):
            services.member_snapshot(user_id=1000 + user_id)


# --- The circuit breaker ---------------------------------------------------------------------


def test_breaker_opens_after_five_failures_and_answers_at_once_without_calling(capillary):
    open_the_breaker(capillary)
    assert upstream.breaker_state() == "open"
    calls = len(capillary.calls)

    started = time.perf_counter()
    with pytest.raises(BreakerOpen) as refused:
        services.member_snapshot(user_id=GOLD)
    assert time.perf_counter() - started < 0.1
    assert len(capillary.calls) == calls  # no upstream call
    assert refused.value.retryable
    assert refused.value.detail.startswith("Retrying in 30 s")


def test_four_failures_leave_the_breaker_closed(capillary):
    open_the_breaker(capillary, failures=4)
    assert upstream.breaker_state() == "closed"


def test_an_open_breaker_says_so_on_the_customer_page(capillary, agent_client):
    open_the_breaker(capillary)
    response = agent_client.get(reverse("customer", args=[GOLD]))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Capillary is not answering." in response.content.decode()
    assert "Retrying in 30 s" in response.content.decode()


def test_a_search_while_the_breaker_is_open_is_503_with_retry_after(capillary, agent_client):
    """The service is what is limited, not the agent: 503, and when to try again."""
    open_the_breaker(capillary)
    response = agent_client.post(
        reverse("search"), {"q": str(GOLD), "kind": "id"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Capillary is not answering." in response.content.decode()


def test_half_open_breaker_lets_exactly_one_probe_through_and_closes_on_success(capillary):
    open_the_breaker(capillary)
    refused_during_probe: list[Exception] = []

    def probe_answer(request: Any) -> tuple[int, dict[str, str], str]:
        # While the probe is out, every other lookup answers at once.
        try:
            services.member_snapshot(user_id=2)
        except BreakerOpen as error:
            refused_during_probe.append(error)
        body = envelope(full_view_item() | {"user_id": GOLD})
        return 200, {"X-Cap-Requestid": "req-probe"}, json.dumps(body)

    capillary.replace(responses.GET, ENDPOINT, body=requests.ConnectionError("still refused"))
    with time_machine.travel(time.time() + 31, tick=False):
        assert upstream.breaker_state() == "half_open"
        calls = len(capillary.calls)
        capillary.reset()
        capillary.add_callback(responses.GET, ENDPOINT, callback=probe_answer)
        snapshot = services.member_snapshot(user_id=GOLD)

        assert snapshot.customer.user_id == GOLD
        assert len(capillary.calls) == 1, calls  # the probe only
        assert len(refused_during_probe) == 1
        assert upstream.breaker_state() == "closed"


def test_a_failed_probe_opens_the_breaker_again(capillary):
    open_the_breaker(capillary)
    with time_machine.travel(time.time() + 31, tick=False):
        with pytest.raises(Unavailable):
            services.member_snapshot(user_id=GOLD)
        assert upstream.breaker_state() == "open"
        with pytest.raises(BreakerOpen):
            services.member_snapshot(user_id=GOLD)


def test_calls_under_way_when_the_breaker_opens_leave_it_as_it_opened(capillary, caplog):
    """Capillary hangs: dozens of calls time out together, after the fifth has opened the breaker.
    Those failing after it must not open it again (each would move its end later and free the
    probe's lock): one opening, its end unchanged."""
    seen: dict[str, float] = {}

    with time_machine.travel(time.time(), tick=False) as clock:

        def under_way(request: Any) -> None:
            # While this call is out, five others fail and open the breaker...
            open_the_breaker(capillary)
            seen["until"] = cache.get(upstream.OPEN_UNTIL_KEY)
            clock.shift(2)
            raise requests.ConnectionError("refused")  # ...then this one fails too

        capillary.add_callback(responses.GET, ENDPOINT, callback=under_way)
        logs = caplog.at_level(logging.WARNING, logger="membercare.lookup.upstream")
        with logs, pytest.raises(Unavailable):
            services.member_snapshot(user_id=GOLD)

        assert upstream.breaker_state() == "open"
        assert cache.get(upstream.OPEN_UNTIL_KEY) == seen["until"]
        opened = [r for r in caplog.records if "circuit breaker open" in r.getMessage()]
        assert len(opened) == 1


# --- Capillary's 429 -------------------------------------------------------------------------


def test_a_429_with_retry_after_stops_every_later_call_until_it_expires(capillary):
    capillary.get(ENDPOINT, status=429, headers={"Retry-After": "30"})
    now = time.time()
    with time_machine.travel(now, tick=False) as clock:
        with pytest.raises(RateLimited):
            services.member_snapshot(user_id=GOLD)
        assert len(capillary.calls) == 1

        for user_id in (1, 2, 3):
            with pytest.raises(WaitingForCapillary) as waiting:
                services.member_snapshot(user_id=user_id)
        assert waiting.value.retry_after == 30
        clock.shift(29)
        with pytest.raises(WaitingForCapillary) as waiting:
            services.member_snapshot(user_id=GOLD)
        assert waiting.value.retry_after == 1
        assert len(capillary.calls) == 1  # nothing went out while Capillary asked to wait

        clock.shift(1.5)
        capillary.reset()
        answer_any_member(capillary)
        assert services.member_snapshot(user_id=GOLD).customer.user_id == GOLD
        assert len(capillary.calls) == 1


def test_a_429_inside_a_bulk_answer_stops_later_calls_too(capillary, group_admin_client):
    capillary.get(ENDPOINT, status=429, headers={"Retry-After": "30"})
    group_admin_client.post(reverse("bulk-lookup"), {"identifiers": "a@example.com"})
    assert len(capillary.calls) == 1
    with pytest.raises(WaitingForCapillary):
        services.member_snapshot(user_id=GOLD)
    assert len(capillary.calls) == 1


# --- The organisation's budget ---------------------------------------------------------------


def test_the_budget_is_never_exceeded_and_says_when_to_try_again(capillary, settings):
    settings.CAPILLARY_RATE_LIMIT = 10
    answer_any_member(capillary)
    for user_id in range(10):
        services.member_snapshot(user_id=user_id + 1)
    with pytest.raises(QuotaSpent) as spent:
        services.member_snapshot(user_id=99)
    assert len(capillary.calls) == 10
    assert spent.value.title == "Too many lookups across your organisation right now."
    assert spent.value.retry_after is not None
    assert 1 <= spent.value.retry_after <= 65


def test_retries_count_against_the_budget_and_stop_when_it_is_spent(capillary, settings):
    """The client retries a gateway's 503 (two retries here): each attempt is a request Capillary
    counts against its per-key limit, so each is taken from the budget, and a retry the budget
    has no room for is not made."""
    settings.CAPILLARY_RETRIES = 2
    settings.CAPILLARY_RATE_LIMIT = 4
    capillary.get(ENDPOINT, status=503, body="")
    with pytest.raises(Unavailable):
        services.member_snapshot(user_id=1)  # the attempt and its two retries: 3 of 4
    assert len(capillary.calls) == 3
    with pytest.raises(Unavailable):
        services.member_snapshot(user_id=2)  # the last one: no room for a retry
    with pytest.raises(QuotaSpent):
        services.member_snapshot(user_id=3)
    assert len(capillary.calls) == 4


def test_a_search_over_the_orgs_budget_is_503_with_retry_after(capillary, agent_client, settings):
    settings.CAPILLARY_RATE_LIMIT = 1
    answer_any_member(capillary)
    search = reverse("search")
    htmx = {"HX-Request": "true"}
    assert (
        agent_client.post(search, {"q": "50000101", "kind": "id"}, headers=htmx).status_code == 200
    )
    response = agent_client.post(search, {"q": "50000102", "kind": "id"}, headers=htmx)
    assert response.status_code == 503  # every agent is refused alike: the service is limited
    assert 1 <= int(response["Retry-After"]) <= 65
    assert "Too many lookups across your organisation right now." in response.content.decode()
    assert len(capillary.calls) == 1


def test_bulk_may_use_only_its_share_so_single_lookups_still_pass(capillary, settings):
    settings.CAPILLARY_RATE_LIMIT = 10  # bulk: 8 of them
    answer_any_member(capillary)
    for user_id in range(8):
        upstream.get_customers(
            identifiers=[services._by_user_id(user_id + 1)], query=services.FULL_VIEW
        )
    with pytest.raises(QuotaSpent):
        upstream.get_customers(identifiers=[services._by_user_id(50)], query=services.FULL_VIEW)
    services.member_snapshot(user_id=60)  # a single lookup still goes out
    services.member_snapshot(user_id=61)
    with pytest.raises(QuotaSpent):
        services.member_snapshot(user_id=62)
    assert len(capillary.calls) == 10


def test_a_window_counts_every_event_of_the_last_minute():
    window = upstream.Window("test:window", seconds=60)
    assert window.take(5, limit=5, now=1000.0, partial=False) == (5, 0)
    granted, wait = window.take(1, limit=5, now=1059.0, partial=False)
    assert granted == 0  # 59 s later the five still count
    assert wait >= 1
    assert window.take(1, limit=5, now=1066.0, partial=False) == (1, 0)


# --- Coalescing ------------------------------------------------------------------------------


def test_agents_opening_the_same_member_at_once_cause_one_call(capillary):
    answer_any_member(capillary, pause=0.3)
    results: list[int | None] = []
    barrier = threading.Barrier(6)

    def open_member() -> None:
        barrier.wait()
        results.append(services.member_snapshot(user_id=GOLD).customer.user_id)

    threads = [threading.Thread(target=open_member) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert results == [GOLD] * 6
    assert len(capillary.calls) == 1


def test_when_the_first_call_fails_the_others_call_themselves(capillary):
    refuse_connections(capillary)
    errors: list[Exception] = []

    def open_member() -> None:
        try:
            services.member_snapshot(user_id=GOLD)
        except Unavailable as error:
            errors.append(error)

    threads = [threading.Thread(target=open_member) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(errors) == 3  # nobody waits forever for a call that failed


# --- Calls in flight, per process ------------------------------------------------------------


class HeldCapillary:
    """Capillary answering every user id only once `release()` is called: calls wait in it."""

    def __init__(self, mock: responses.RequestsMock) -> None:
        self.waiting = threading.Semaphore(0)  # one release per call that has come in
        self._go = threading.Event()
        mock.add_callback(responses.GET, ENDPOINT, callback=self._answer)

    def _answer(self, request: Any) -> tuple[int, dict[str, str], str]:
        self.waiting.release()
        self._go.wait(timeout=10)
        user_id = int(parse_qs(urlsplit(request.url).query)["id"][0])
        return 200, {}, json.dumps(envelope(full_view_item() | {"user_id": user_id}))

    def wait_for_calls(self, count: int) -> None:
        for _ in range(count):
            assert self.waiting.acquire(timeout=10), "a call never reached Capillary"

    def release(self) -> None:
        self._go.set()


def in_thread(function: Any, **kwargs: Any) -> threading.Thread:
    thread = threading.Thread(target=function, kwargs=kwargs)
    thread.start()
    return thread


def test_calls_beyond_the_places_in_flight_are_told_after_the_wait_and_the_rest_go_through(
    capillary, settings
):
    """Capillary hangs: two calls wait for it, the third is told after its short wait for a
    place, nothing is kept."""
    settings.CAPILLARY_MAX_IN_FLIGHT = 2
    settings.CAPILLARY_IN_FLIGHT_WAIT_SECONDS = 0.2
    held = HeldCapillary(capillary)
    answered: list[int | None] = []

    def open_member(user_id: int) -> None:
        answered.append(services.member_snapshot(user_id=user_id).customer.user_id)

    waiting = [in_thread(open_member, user_id=GOLD + n) for n in range(2)]
    held.wait_for_calls(2)
    try:
        started = time.monotonic()
        with pytest.raises(upstream.TooManyWaiting) as refused:
            services.member_snapshot(user_id=GOLD + 2)  # while the two wait
        waited = time.monotonic() - started
    finally:
        held.release()
        for thread in waiting:
            thread.join(timeout=10)

    assert refused.value.retryable
    assert 0.2 <= waited < 5  # the wait, not Capillary's deadline
    assert set(answered) == {GOLD, GOLD + 1}
    assert len(capillary.calls) == 2
    # Their places came back: the next call goes out.
    assert services.member_snapshot(user_id=GOLD + 9).customer.user_id == GOLD + 9


@contextmanager
def one_place_taken(capillary: Any, settings: Any, *, wait: float) -> Iterator[HeldCapillary]:
    """A process with one place in flight, taken by a call that Capillary holds until `release()`
    or the block's end; others wait `wait` seconds for it."""
    settings.CAPILLARY_MAX_IN_FLIGHT = 1
    settings.CAPILLARY_IN_FLIGHT_WAIT_SECONDS = wait
    held = HeldCapillary(capillary)
    holder = in_thread(services.member_snapshot, user_id=GOLD)
    held.wait_for_calls(1)
    try:
        yield held
    finally:
        held.release()
        holder.join(timeout=10)


def test_a_call_that_finds_every_place_taken_goes_out_when_one_frees_within_the_wait(
    capillary, settings
):
    """A busy moment, not a hang: the place frees before the wait is over, and the call is made."""
    with one_place_taken(capillary, settings, wait=5) as held:
        threading.Timer(0.2, held.release).start()  # the first call's answer comes 0.2 s later
        assert services.member_snapshot(user_id=GOLD + 1).customer.user_id == GOLD + 1
    assert len(capillary.calls) == 2


def test_an_open_breaker_answers_at_once_while_hung_calls_hold_every_place(capillary, settings):
    """Capillary hangs: the calls hung on it hold the places until their deadline, and a lookup
    made after the breaker opened is not kept waiting for one."""
    with one_place_taken(capillary, settings, wait=5):
        upstream._open("a test", again=True)
        started = time.monotonic()
        with pytest.raises(BreakerOpen):
            services.member_snapshot(user_id=GOLD + 1)
        assert time.monotonic() - started < 1  # not the 5 s wait for a place
    assert len(capillary.calls) == 1


def test_a_probe_that_finds_no_place_in_flight_leaves_the_probe_to_the_next_call(
    capillary, settings
):
    """Half-open, the breaker lets one call through; told Capillary is slow before it went out,
    that call gives the probe back, and the next one probes."""
    open_the_breaker(capillary)
    answer_any_member(capillary)
    settings.CAPILLARY_MAX_IN_FLIGHT = 1
    settings.CAPILLARY_IN_FLIGHT_WAIT_SECONDS = 0.05
    place = upstream._places.get()
    assert place.acquire(timeout=1)  # the one place, taken
    with time_machine.travel(time.time() + 31, tick=False):
        try:
            with pytest.raises(upstream.TooManyWaiting):
                services.member_snapshot(user_id=GOLD)
        finally:
            place.release()
        assert cache.get(upstream.PROBE_KEY) is None
        assert services.member_snapshot(user_id=GOLD).customer.user_id == GOLD  # the probe
    assert upstream.breaker_state() == "closed"


def test_a_search_with_no_place_in_flight_is_503_and_says_capillary_is_slow(
    capillary, agent_client, settings
):
    with one_place_taken(capillary, settings, wait=0.05):
        response = agent_client.post(
            reverse("search"), {"q": str(GOLD + 1), "kind": "id"}, headers={"HX-Request": "true"}
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Capillary is answering slowly." in response.content.decode()
    assert len(capillary.calls) == 1


# --- Each agent's limit ----------------------------------------------------------------------


def test_the_31st_search_in_a_minute_is_refused_clearly_audited_and_not_made(
    capillary, agent_client
):
    answer_any_member(capillary)
    search = reverse("search")
    for user_id in range(30):
        response = agent_client.post(search, {"q": str(50000100 + user_id), "kind": "id"})
        assert response.status_code in (200, 303), response.content
    calls = len(capillary.calls)

    response = agent_client.post(
        search, {"q": "50000999", "kind": "id"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 65
    assert "You&#x27;ve reached your lookup limit." in response.content.decode()
    assert "You can make 30 lookups a minute" in response.content.decode()
    assert len(capillary.calls) == calls
    event = AuditEvent.objects.filter(action="search").first()
    assert event is not None
    assert event.outcome == "rate_limited"


def test_opening_a_member_over_the_limit_shows_the_problem_in_the_panel(
    capillary, agent_client, settings
):
    settings.LOOKUP_RATE_LIMIT = 1
    answer_any_member(capillary)
    assert agent_client.get(reverse("customer", args=[GOLD])).status_code == 200
    response = agent_client.get(reverse("customer", args=[GOLD + 1]))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 65
    assert "You&#x27;ve reached your lookup limit." in response.content.decode()
    assert len(capillary.calls) == 1
    event = AuditEvent.objects.filter(action="view_customer").first()
    assert event is not None
    assert event.outcome == "rate_limited"


def test_a_search_without_js_and_the_view_it_opens_are_one_lookup(
    capillary, agent_client, settings
):
    settings.LOOKUP_RATE_LIMIT = 2
    answer_any_member(capillary)
    for user_id in (GOLD, GOLD + 1):  # each a POST and the GET of its redirect
        answer = agent_client.post(
            reverse("search"), {"q": str(user_id), "kind": "id"}, follow=True
        )
        assert answer.status_code == 200
    # Two lookups made, and the limit is two: the third is refused, and so is opening one again.
    refused = agent_client.post(reverse("search"), {"q": str(GOLD + 2), "kind": "id"})
    assert refused.status_code == 429
    assert agent_client.get(reverse("customer", args=[GOLD])).status_code == 429


def test_bulk_lines_beyond_the_limit_are_not_looked_up(capillary, group_admin_client, settings):
    settings.LOOKUP_RATE_LIMIT = 2
    answer_any_member(capillary)
    lines = "\n".join(str(50000200 + n) for n in range(4))
    response = group_admin_client.post(reverse("bulk-lookup"), {"identifiers": lines, "kind": "id"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 65
    assert "You can make 2 lookups a minute" in response.content.decode()
    outcomes = AuditEvent.objects.filter(action="search").values_list("outcome", flat=True)
    assert sorted(outcomes) == ["ok", "ok", "rate_limited", "rate_limited"]
    assert len(capillary.calls) == 1  # the two granted lines, in one bulk call
