"""Agents at work, for locust: sign in once, then search a member, read, page coupons, think.

    make load                      # scripts/load.py builds everything and runs this headless

Run by hand against a server already up (scripts/load.py writes the users file):

    LOAD_USERS=/tmp/.../users.json locust -f loadtests/locustfile.py --headless \
        -H http://127.0.0.1:8000 -u 50 -r 10 --run-time 60s MemberCareAgent

`LOAD_USERS` is a JSON file: {"users": [{"username", "password", "totp_key"}], "members": [q...]}.
Each simulated agent takes the next user of the list. Agents are local users in the call-center
agents group, with an authenticator app enrolled beforehand (scripts/load.py): they pass the
second factor as a person does, with the code their app would show, computed here from the key.
The group is the real agents' one so that every page is the one agents get (reveal forms and all).

Behind a load balancer TLS ends at the balancer: requests come to gunicorn as plain HTTP with
`X-Forwarded-Proto: https`, and so do these; the cookies are `Secure`, and are sent over that
plain-HTTP leg as the balancer does. `FloorAgent` searches the floor app
(scripts/floor_app.py) the same way, with no sign-in.
"""

import itertools
import json
import os
import random
import re
from http.cookiejar import DefaultCookiePolicy
from typing import Any

from django_otp.oath import totp
from locust import FastHttpUser, between, events, task
from locust.exception import RescheduleTask, StopUser

THINK_SECONDS = (2, 5)
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_CUSTOMER_URL = re.compile(r"/customers/(\d+)/")


def _load() -> dict[str, Any]:
    path = os.environ.get("LOAD_USERS")
    if not path:
        return {"users": [], "members": []}
    with open(path) as file:
        return json.load(file)


LOAD = _load()
_next_user = itertools.count()

# LOAD_REQUEST_LOG: one JSON line per request (when it started, how long, the status, and for a
# failed search what the agent was told), for scripts/load.py to cut a run into phases (before a
# fault, after the breaker opened). The words are fragments of the problems' titles
# (membercare/capillary/errors.py, membercare/lookup/upstream.py) without apostrophes, which the
# page escapes.
SHOWN = {
    "Capillary is not answering": "breaker open",
    "Capillary didn": "did not answer",
    "Capillary asked us to wait": "waiting (429)",
    "Too many lookups across your organisation": "org quota",
    "reached your lookup limit": "user limit",
    "Capillary is busy": "busy (429)",
    "Capillary is answering slowly": "slow (in flight)",
}
_REQUEST_LOG = os.environ.get("LOAD_REQUEST_LOG")
if _REQUEST_LOG:
    _requests_file = open(_REQUEST_LOG, "a", buffering=1)  # noqa: SIM115 - open for the run

    @events.request.add_listener
    def _log_request(
        name: str, response_time: float, response: Any, start_time: float = 0.0, **_: Any
    ) -> None:
        status = getattr(response, "status_code", 0) or 0
        text = (getattr(response, "text", None) or "") if status >= 400 else ""
        line = {
            "t": start_time,
            "name": name,
            "ms": response_time,
            "status": status,
            "shown": next((word for key, word in SHOWN.items() if key in text), ""),
            "retry_after": (getattr(response, "headers", None) or {}).get("Retry-After"),
        }
        _requests_file.write(json.dumps(line) + "\n")


class BehindTheBalancer(DefaultCookiePolicy):
    """The balancer's plain-HTTP leg carries the browser's `Secure` cookies to gunicorn."""

    def return_ok_secure(self, cookie: Any, request: Any) -> bool:
        return True


def _csrf(page: str) -> str:
    found = _CSRF_INPUT.search(page)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


class MemberCareAgent(FastHttpUser):
    wait_time = between(*THINK_SECONDS)

    def on_start(self) -> None:
        self.client.cookiejar.set_policy(BehindTheBalancer())
        number = next(_next_user)
        account = LOAD["users"][number % len(LOAD["users"])]
        # LOAD_HOSTS: several instances, as a balancer without sticky sessions spreads requests:
        # an agent signs in on one and then alternates between all of them, so each step only
        # works if sessions and the cache are shared.
        hosts = os.environ.get("LOAD_HOSTS", "").split(",") if os.environ.get("LOAD_HOSTS") else []
        first = number % len(hosts) if hosts else 0
        self.hosts = itertools.cycle(hosts[first:] + hosts[:first]) if hosts else None
        answer = self.send("GET", "/accounts/login/", name="sign-in page")
        credentials = {"username": account["username"], "password": account["password"]}
        answer = self.send(
            "POST",
            "/accounts/login/",
            name="sign-in",
            data=credentials | {"csrfmiddlewaretoken": _csrf(answer.text)},
        )
        # The home page sends an agent who has not passed the second factor to its step.
        answer = self.send("GET", answer.headers["Location"], name="after sign-in", expect=302)
        if "/mfa/verify/" not in answer.headers.get("Location", ""):
            raise RuntimeError("a load agent must be asked for the second factor, as agents are")
        answer = self.send("GET", answer.headers["Location"], name="second factor page")
        code = f"{totp(bytes.fromhex(account['totp_key'])):06d}"
        data = {"code": code, "csrfmiddlewaretoken": _csrf(answer.text)}
        answer = self.send("POST", "/accounts/mfa/verify/", name="second factor", data=data)
        answer = self.send("GET", answer.headers.get("Location") or "/", name="search page")
        self.csrf_token = _csrf(answer.text)

    def send(
        self, method: str, path: str, *, name: str, expect: int | None = None, **kwargs: Any
    ) -> Any:
        """One request, through the next instance, with what the balancer and a browser add.

        Redirects are not followed, so each step is one timed request; 302 is the answer expected
        of the two POSTs of signing in, 200 of everything else.
        """
        host = next(self.hosts) if self.hosts else self.host
        headers = {
            "X-Forwarded-Proto": "https",  # the balancer ended TLS
            # As a browser sends it with a POST: Django's CSRF check compares it with the host.
            "Origin": f"https://{host.split('://', 1)[1].rstrip('/')}",
        } | kwargs.pop("headers", {})
        expected = expect or (302 if method == "POST" and name != "search" else 200)
        with self.client.request(
            method,
            host + path,
            headers=headers,
            name=name,
            allow_redirects=False,
            catch_response=True,
            **kwargs,
        ) as answer:
            failed = answer.status_code != expected
            if failed:
                answer.failure(f"{name}: HTTP {answer.status_code}, expected {expected}")
            else:
                answer.success()
        if failed:
            # Counted as a failure above. An agent who cannot sign in stops; a failed search
            # is over, and the agent thinks and goes on to the next.
            raise RescheduleTask() if name in ("search", "coupons page") else StopUser()
        return answer

    @task
    def look_up_a_member(self) -> None:
        htmx = {"HX-Request": "true", "X-CSRFToken": self.csrf_token}
        q = random.choice(LOAD["members"])
        found = self.send("POST", "/search/", name="search", data={"q": q}, headers=htmx)
        member = _CUSTOMER_URL.search(found.headers.get("HX-Push-Url") or "")
        if not member:
            raise RescheduleTask()
        # Once in a while the agent pages through the coupons (pages 2 and 3 come from the
        # record the search brought; page 4 on would be a call of its own).
        if random.random() < 0.3:
            coupons = f"/customers/{member.group(1)}/coupons/"
            for number in (2, 3) if random.random() < 0.3 else (2,):
                self.send("GET", f"{coupons}?page={number}", name="coupons page", headers=htmx)


class FloorAgent(FastHttpUser):
    wait_time = between(*THINK_SECONDS)

    @task
    def look_up_a_member(self) -> None:
        self.client.post("/search/", data={"q": random.choice(LOAD["members"])}, name="search")
