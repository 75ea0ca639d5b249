"""The misbehaviours the fault identities trigger (docs/contract-notes.md, "Demo identities").

Each returns what a broken upstream returns, never a Capillary envelope, except `slow` (a normal
answer, late) and `gateway` (Capillary's own 503 errorCode 4001 body).
"""

import json
import os
import socket
import struct
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from membercare.sandbox.models import Fault

GATEWAY_BODY = {
    "response": {
        "status": {
            "success": "false",
            "code": 503,
            "message": "Authorization status unavailable, retry later",
        }
    },
    "errorCode": 4001,
}
HTML_GATEWAY_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
    "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n"
)


def fault_response(
    fault: Fault, request: HttpRequest, answer: Callable[[], HttpResponse]
) -> HttpResponse:
    """What the call gets when a fault identity is among its identifiers."""
    match fault:
        case Fault.SLOW:
            time.sleep(settings.SANDBOX_SLOW_SECONDS)
            return answer()
        case Fault.ERROR:
            return HttpResponse("Internal Server Error", status=500, content_type="text/plain")
        case Fault.RATELIMITED:
            response = HttpResponse("Too Many Requests", status=429, content_type="text/plain")
            response["Retry-After"] = "30"
            return response
        case Fault.MALFORMED:
            body = answer().content
            # Cut inside the envelope: what a proxy that dropped the connection mid-body delivers.
            return HttpResponse(body[: len(body) // 2], content_type="application/json")
        case Fault.HTML:
            return HttpResponse(HTML_GATEWAY_PAGE, content_type="text/html")
        case Fault.GATEWAY:
            return HttpResponse(
                json.dumps(GATEWAY_BODY, separators=(",", ":")),
                status=503,
                content_type="application/json",
            )
        case Fault.RESET:
            if not reset_connection(request.META):  # the WSGI environ
                # No socket (Django's test client): the closest thing is the error a client sees.
                raise ConnectionResetError("the sandbox reset the connection")
            # Never sent: the server's write fails on the replaced descriptor and it moves on.
            return HttpResponse(status=204)
    raise ValueError(f"not a fault: {fault!r}")


def reset_connection(environ: dict[str, Any]) -> bool:
    """Reset the client's TCP connection (RST, no response); False when there is no socket.

    SO_LINGER 0 makes the final close send a RST. Closing the socket outright would leave the
    server (gunicorn, runserver) holding a dead descriptor it then fails on loudly, or that another
    thread's new connection may reuse. Instead the connection's descriptor is replaced (dup2) by
    one end of a socket pair whose other end is already closed: the TCP socket's last descriptor
    goes away, so the kernel resets the connection now, while the server's socket object stays
    valid, reads end-of-file and writes into a broken pipe, which both servers treat as a client
    that went away.
    """
    sock = environ.get("gunicorn.socket") or _socket_behind(environ.get("wsgi.input"))
    if not isinstance(sock, socket.socket) or sock.fileno() < 0:
        return False
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    spare, peer = socket.socketpair()
    peer.close()
    os.dup2(spare.fileno(), sock.fileno())
    spare.close()
    return True


def _socket_behind(stream: Any) -> socket.socket | None:
    """The socket under runserver's (and LiveServerThread's) request stream.

    django/core/servers/basehttp.py builds `wsgi.input` as a LimitedStream over the handler's
    rfile, which is `socket.makefile("rb")`: a BufferedReader whose raw SocketIO holds `_sock`.
    LimitedStream keeps only the bound `read` method, hence the `__self__` step.
    """
    for _ in range(6):  # a few wrappers deep at most
        if stream is None or isinstance(stream, socket.socket):
            return stream
        inner = getattr(stream, "_sock", None)
        if isinstance(inner, socket.socket):
            return inner
        stream = getattr(stream, "raw", None) or getattr(
            getattr(stream, "_read", None), "__self__", None
        )
    return None
