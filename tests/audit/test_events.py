"""record() and recent_viewers(): what an event keeps, and the customer view's "viewed by"."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from membercare.audit.events import RecentViewer, recent_viewers, record
from membercare.audit.models import Action, AuditEvent
from membercare.hashing import keyed_hash
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

EMAIL = "demo.gold@example.com"
MEMBER = 50000002


def _request(user: Any = None, **meta: Any) -> Any:
    request = RequestFactory(**meta).get("/")
    request.user = user or AnonymousUser()
    return request


def test_record_keeps_a_keyed_hash_of_the_identifier_and_never_its_value(agent):
    event = record(
        _request(agent),
        action=Action.SEARCH,
        member_id=MEMBER,
        identifier_kind="email",
        identifier_value=EMAIL,
    )

    row = AuditEvent.objects.filter(pk=event.pk).values().get()
    assert row["identifier_hash"] == keyed_hash(EMAIL, purpose="audit.identifier")
    assert row["identifier_kind"] == "email"
    assert all(EMAIL not in str(value) for value in row.values())
    assert "demo.gold" not in str(row)


def test_record_without_an_identifier_value_keeps_no_hash(agent):
    event = record(_request(agent), action=Action.VIEW_CUSTOMER, member_id=MEMBER)
    assert event.identifier_hash == ""


def test_record_takes_the_actor_from_the_signed_in_user_of_the_request(agent):
    event = record(_request(agent), action=Action.VIEW_CUSTOMER, member_id=MEMBER)

    event.refresh_from_db()
    assert event.actor == agent
    assert event.actor_username == "agent"
    assert event.outcome == "ok"
    assert event.at.utcoffset() == timedelta(0)


def test_record_prefers_an_explicit_actor_over_the_request_user(agent, group_admin):
    event = record(_request(agent), action=Action.GROUP_CHANGE, actor=group_admin)
    assert event.actor_username == "admin"


def test_record_for_an_anonymous_request_has_no_actor():
    event = record(_request(), action=Action.SIGN_IN_FAILED, outcome="failed")
    assert event.actor is None
    assert event.actor_username == ""


def test_record_works_without_a_request(agent):
    event = record(action=Action.GROUP_CHANGE, actor=agent, detail={"change": "created"})
    assert event.ip is None
    assert event.actor_username == "agent"


def test_record_takes_the_ip_from_remote_addr_and_ignores_forwarded_for_by_default(agent):
    request = _request(agent, REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert record(request, action=Action.VIEW_CUSTOMER).ip == "10.0.0.7"


def test_record_takes_the_first_forwarded_hop_when_the_proxy_is_trusted(agent, settings):
    settings.AUDIT_TRUST_X_FORWARDED_FOR = True
    request = _request(agent, REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR="198.51.100.1, 10.0.0.2")
    assert record(request, action=Action.VIEW_CUSTOMER).ip == "198.51.100.1"


def test_record_falls_back_to_remote_addr_when_the_trusted_header_is_missing(agent, settings):
    settings.AUDIT_TRUST_X_FORWARDED_FOR = True
    request = _request(agent, REMOTE_ADDR="10.0.0.7")
    assert record(request, action=Action.VIEW_CUSTOMER).ip == "10.0.0.7"


def test_record_keeps_no_ip_rather_than_a_wrong_one(agent, settings):
    request = _request(agent, REMOTE_ADDR="not-an-address")
    assert record(request, action=Action.VIEW_CUSTOMER).ip is None
    # A trusted proxy that could not tell the client's address: not the proxy's own address.
    settings.AUDIT_TRUST_X_FORWARDED_FOR = True
    request = _request(agent, REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR="unknown, 10.0.0.2")
    assert record(request, action=Action.VIEW_CUSTOMER).ip is None


def test_record_reads_a_forwarded_address_given_with_its_port(agent, settings):
    settings.AUDIT_TRUST_X_FORWARDED_FOR = True
    request = _request(agent, HTTP_X_FORWARDED_FOR="198.51.100.1:4431")
    assert record(request, action=Action.VIEW_CUSTOMER).ip == "198.51.100.1"
    request = _request(agent, HTTP_X_FORWARDED_FOR="[2001:db8::1]:4431")
    assert record(request, action=Action.VIEW_CUSTOMER).ip == "2001:db8::1"


def test_record_refuses_an_unknown_action(agent):
    with pytest.raises(ValueError, match="viewed_everything"):
        record(_request(agent), action="viewed_everything")


def test_record_keeps_the_detail_small_and_the_request_id(agent):
    event = record(
        _request(agent),
        action=Action.REVEAL,
        member_id=MEMBER,
        detail={"field": "mobile", "reason": "x" * 5000},
        request_id="cap-req-42",
    )
    event.refresh_from_db()
    assert event.detail["field"] == "mobile"
    assert len(event.detail["reason"]) == 500
    assert event.request_id == "cap-req-42"


def _view(user: Any, *, at: datetime, member_id: int = MEMBER, **fields: Any) -> None:
    fields.setdefault("action", Action.VIEW_CUSTOMER)
    AuditEvent.objects.create(
        at=at, actor=user, actor_username=user.get_username(), member_id=member_id, **fields
    )


def test_recent_viewers_lists_each_user_once_with_their_latest_view_newest_first(agent, manager):
    noon = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    _view(agent, at=noon)
    _view(manager, at=noon + timedelta(minutes=5), action=Action.SEARCH)
    _view(agent, at=noon + timedelta(minutes=10))

    assert recent_viewers(member_id=MEMBER) == [
        RecentViewer(username="agent", at=noon + timedelta(minutes=10)),
        RecentViewer(username="manager", at=noon + timedelta(minutes=5)),
    ]


def test_recent_viewers_counts_only_successful_opens_of_this_member(agent):
    noon = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    _view(agent, at=noon, member_id=MEMBER + 1)
    _view(agent, at=noon, outcome="upstream_error")
    _view(agent, at=noon, action=Action.VIEW_PANEL)
    _view(agent, at=noon, action=Action.DENIED, outcome="denied")

    assert recent_viewers(member_id=MEMBER) == []


def test_recent_viewers_stops_at_the_limit(db):
    noon = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    for minute in range(5):
        user = make_user(f"viewer{minute}")  # more viewers than the cast has
        _view(user, at=noon + timedelta(minutes=minute))

    viewers = recent_viewers(member_id=MEMBER, limit=3)
    assert [viewer.username for viewer in viewers] == ["viewer4", "viewer3", "viewer2"]
