"""The Django side of the client: the process's `CapillaryClient`, from the CAPILLARY_* settings.

Django is imported here, in `apps.py` and in the management command only: the client itself
(`client.py`, `transport.py`, `errors.py`, `query.py`, `types.py`, ...) is plain Python.
"""

import functools
from typing import Any

from django.conf import settings

from .client import CapillaryClient


@functools.cache
def client_from_settings() -> CapillaryClient:
    """The process's client, built from the CAPILLARY_* settings (and rebuilt when they change)."""
    return CapillaryClient(
        base_url=settings.CAPILLARY_BASE_URL,
        username=settings.CAPILLARY_USERNAME,
        password=settings.CAPILLARY_PASSWORD,
        country_code=settings.CAPILLARY_COUNTRY_CODE,
        connect_timeout=settings.CAPILLARY_CONNECT_TIMEOUT,
        read_timeout=settings.CAPILLARY_READ_TIMEOUT,
        retries=settings.CAPILLARY_RETRIES,
        retry_total_seconds=settings.CAPILLARY_RETRY_TOTAL_SECONDS,
        deadline_seconds=settings.CAPILLARY_DEADLINE_SECONDS,
        max_body_bytes=settings.CAPILLARY_MAX_BODY_BYTES,
        batch_size=settings.CAPILLARY_BATCH_SIZE,
    )


def forget_client(*, setting: str, **kwargs: Any) -> None:
    """A `setting_changed` receiver (connected in apps.py): tests override CAPILLARY_* settings,
    and the next call builds a client that uses them."""
    if setting.startswith("CAPILLARY_"):
        client_from_settings.cache_clear()
