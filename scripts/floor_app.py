"""The floor for load tests: the least a lookup can cost. POST /search/ q=... → name and tier.

The same `FULL_VIEW` call to Capillary as the dashboard's search, on one pooled session per process,
the JSON decoded and two fields printed: no Django, no session, no access checks, no audit, no
template. scripts/load.py serves it with the dashboard's gunicorn config beside membercare;
what membercare costs above it is our own. Settings: CAPILLARY_BASE_URL, _USERNAME, _PASSWORD.
"""

import base64
import hashlib
import html
import os
from urllib.parse import parse_qs

import requests
from requests.adapters import HTTPAdapter

from membercare.capillary.query import FULL_VIEW

URL = os.environ["CAPILLARY_BASE_URL"].rstrip("/") + "/v1.1/customer/get"
_digest = hashlib.md5(os.environ["CAPILLARY_PASSWORD"].encode()).hexdigest()  # noqa: S324
_basic = base64.b64encode(f"{os.environ['CAPILLARY_USERNAME']}:{_digest}".encode()).decode()
session = requests.Session()
session.headers.update({"Authorization": f"Basic {_basic}", "Accept": "application/json"})
session.mount("http://", HTTPAdapter(pool_maxsize=16))  # as the dashboard's client
PARAMS = FULL_VIEW.params() | {"format": "json"}


def application(environ, start_response):
    size = int(environ.get("CONTENT_LENGTH") or 0)
    form = parse_qs(environ["wsgi.input"].read(size).decode())
    q = form.get("q", [""])[0].strip()
    if environ["REQUEST_METHOD"] != "POST" or not q:
        start_response("400 Bad Request", [("Content-Type", "text/plain")])
        return [b"POST q=<email or mobile>\n"]
    kind = "email" if "@" in q else "mobile"
    answer = session.get(URL, params={kind: q, **PARAMS}, timeout=(2, 5))
    member = answer.json()["response"]["customers"]["customer"][0]
    name = f"{member.get('firstname', '')} {member.get('lastname', '')}"
    body = f"<p>{html.escape(name)}: {html.escape(str(member.get('current_slab')))}</p>\n"
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [body.encode()]
