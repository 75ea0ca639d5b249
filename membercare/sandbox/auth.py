"""Capillary's Basic auth: `Authorization: Basic base64(<till code>:<md5 hex of password>)`."""

import base64
import binascii
import enum
import hmac

from membercare.sandbox.models import Till


class Access(enum.Enum):
    GRANTED = "granted"
    UNAUTHENTICATED = "unauthenticated"  # 401: bad or missing credentials
    FORBIDDEN = "forbidden"  # 403, errorCode 4000: the till's access group lacks Customer read


def till_access(authorization: str | None) -> Access:
    credentials = _basic_credentials(authorization or "")
    if credentials is None:
        return Access.UNAUTHENTICATED
    username, password_md5 = credentials
    till = Till.objects.filter(code=username).values("password_md5", "can_read_customers").first()
    # Capillary compares md5 hex digests; either case is accepted for the hex digits.
    if till is None or not hmac.compare_digest(till["password_md5"], password_md5.lower()):
        return Access.UNAUTHENTICATED
    return Access.GRANTED if till["can_read_customers"] else Access.FORBIDDEN


def _basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, sep, password_md5 = decoded.partition(":")
    return (username, password_md5) if sep and username else None
