"""One process hammering the guard against a shared Redis: `python -m tests.lookup.quota_hammer`.

Run by test_upstream_quota.py, twice at once. Capillary is replayed at the HTTP boundary
(`responses`); the process prints how many calls reached it and how many the budget refused.
Arguments: the number of lookups to try, and the moment (time.time()) to start at.
"""

import json
import os
import sys
import time

import django


def main(tries: int, start_at: float) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    import responses
    from django.conf import settings

    from membercare.lookup import services
    from membercare.lookup.upstream import QuotaSpent
    from tests.capillary.conftest import envelope, full_view_item
    from tests.lookup.conftest import BASE, ENDPOINT

    settings.CAPILLARY_BASE_URL = BASE  # before the first call builds the client
    refused = 0
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(ENDPOINT, json=envelope(full_view_item()))
        time.sleep(max(0.0, start_at - time.time()))
        for n in range(tries):
            try:
                # A user id of its own each time (and per process): every lookup a cache miss.
                services.member_snapshot(user_id=os.getpid() * 10_000 + n)
            except QuotaSpent:
                refused += 1
        print(json.dumps({"calls": len(mock.calls), "refused": refused}))


if __name__ == "__main__":
    main(int(sys.argv[1]), float(sys.argv[2]))
