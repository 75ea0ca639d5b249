"""What an agent reads lives on the error classes; operators' wording stays in `message`."""

import pytest

from membercare.capillary.errors import (
    BatchTooLarge,
    CapillaryError,
    ConfigurationError,
    CustomerNotFound,
    MalformedResponse,
    NoPermission,
    RateLimited,
    Unavailable,
    error_for_item,
)

from .conftest import pickled


@pytest.mark.parametrize(
    ("error", "title", "detail", "retryable"),
    [
        (
            Unavailable("Capillary refused the connection."),
            "Capillary didn't answer.",
            "It may be slow or down. Retry, and tell your supervisor if it goes on.",
            True,
        ),
        (
            MalformedResponse(),
            "Capillary sent an answer we couldn't read.",
            "Retry; if it happens again, report it with the reference below.",
            True,
        ),
        (
            ConfigurationError("Capillary rejected the dashboard's till credentials (401)."),
            "membercare can't read members from Capillary.",
            "Its connection to Capillary is misconfigured. Tell your administrator.",
            False,
        ),
        (
            NoPermission(),
            "Capillary doesn't allow this member to be viewed.",
            "Your organisation restricts this member's record.",
            False,
        ),
        (
            error_for_item(4242, request_id=None),
            "Capillary couldn't answer this request.",
            "Capillary could not return this member (code 4242).",
            True,
        ),
        (
            BatchTooLarge(),
            "Capillary couldn't answer this request.",
            "Too many members were asked for at once.",
            True,
        ),
    ],
)
def test_each_error_says_what_happened_and_what_to_do(error, title, detail, retryable):
    assert (error.title, error.detail, error.retryable) == (title, detail, retryable)


def test_the_operators_wording_stays_in_the_message():
    error = Unavailable("Capillary refused the connection.")
    assert error.message == "Capillary refused the connection."
    assert error.detail != error.message


@pytest.mark.parametrize(
    ("retry_after", "detail"),
    [(30, "Retry in 30 s."), (None, "Retry in a moment."), (0, "Retry in a moment.")],
)
def test_rate_limited_says_when_to_retry(retry_after, detail):
    error = RateLimited(retry_after=retry_after)
    assert (error.title, error.detail, error.retryable) == ("Capillary is busy.", detail, True)
    assert error.retry_after == retry_after


def test_only_a_rate_limit_says_how_long_to_wait():
    assert Unavailable().retry_after is None
    assert CapillaryError().retry_after is None


def test_the_words_survive_the_cache():
    error = pickled(RateLimited(retry_after=30, request_id="req-1"))
    assert (error.detail, error.request_id) == ("Retry in 30 s.", "req-1")
    assert pickled(CustomerNotFound()).detail == "No member matches that identifier."
