"""A process's semaphore as large as a setting says: the calls in flight to Capillary
(CAPILLARY_MAX_IN_FLIGHT), the sign-in checks made at once (SIGN_INS_AT_ONCE)."""

import threading

from django.conf import settings


class SettingSemaphore:
    """Sized by the setting when asked for, not at import: a test (or a changed setting) gets a
    semaphore of the new size."""

    def __init__(self, setting: str) -> None:
        self._setting = setting
        self._lock = threading.Lock()
        self._size = -1
        self._semaphore = threading.BoundedSemaphore(1)

    def get(self) -> threading.BoundedSemaphore:
        size = getattr(settings, self._setting)
        with self._lock:
            if size != self._size:  # the first call, or the setting changed
                self._semaphore, self._size = threading.BoundedSemaphore(size), size
            return self._semaphore
