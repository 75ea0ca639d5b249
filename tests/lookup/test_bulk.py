"""Looking up several members at once, against the sandbox."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from membercare.audit.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("live_upstream")]

BULK = reverse("bulk-lookup")
LINES = "\n".join(
    [
        "demo.gold@example.com",
        "nobody@example.com",
        "demo.deleted@example.com",
        "not an email@",
        "+91 98000 00004",
        "",
        "demo.gold@example.com",
    ]
)


def test_each_line_gets_its_own_result_from_one_call_per_kind(group_admin_client, upstream):
    response = group_admin_client.post(BULK, {"identifiers": LINES})
    assertContains(response, 'class="badge bulk-found"', count=3)  # gold twice, diamond by mobile
    assertContains(response, "Not found")
    assertContains(response, "Deleted after a PII delete request")
    assertContains(response, 'class="badge bulk-invalid"')
    assertContains(response, 'href="/customers/50000002/"', count=2)
    assert upstream.count == 2  # one bulk call for the emails, one for the mobile


def test_every_line_is_audited_as_a_search_without_its_value(group_admin_client):
    group_admin_client.post(BULK, {"identifiers": LINES})
    events = AuditEvent.objects.filter(action="search", detail__bulk=True)
    assert sorted(events.values_list("outcome", flat=True)) == sorted(
        ["ok", "not_found", "deleted", "invalid", "ok", "ok"]
    )
    assert "demo.gold" not in str(list(events.values()))


def test_too_many_lines_get_a_message_and_no_call(group_admin_client, upstream):
    many = "\n".join(f"member{n}@example.com" for n in range(51))
    response = group_admin_client.post(BULK, {"identifiers": many})
    assertContains(response, "At most 50 at a time (51 given).", status_code=422)
    assert upstream.count == 0
