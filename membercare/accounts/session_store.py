"""Django's sessions, telling the session index when a session's key changes.

Django gives a session a new key at sign-in, on a password change, and wherever else a session's
privilege changes (the second factor): the index (SignedInSession) must follow, or an admin ending
the session would end a key nobody holds any more.

With Redis (REDIS_URL) a session is read from the cache and written through to the database
(cached_db): every process and instance shares both. Without it, the cache is each process's own
memory, and a session ended in one gunicorn worker (a sign-out, an admin ending it, a leaver's
sessions) would live on in another's cached copy for the rest of its lifetime: sessions are then
read from the database alone (one query a request). Which store is chosen when Django asks for
`SessionStore` (at each handler's start), from the cache configured then.
"""

from django.conf import settings
from django.contrib.sessions.backends import cached_db, db


class _Rekeying(db.SessionStore):
    def cycle_key(self) -> None:
        old = self.session_key
        super().cycle_key()
        # Imported here: Django imports the session engine before the apps are ready.
        from membercare.accounts.sessions import rekey

        rekey(old=old, new=self.session_key)


class CachedSessionStore(_Rekeying, cached_db.SessionStore):
    """Read from the shared cache, written through to the database."""


class DatabaseSessionStore(_Rekeying):
    """Read from and written to the database."""


def __getattr__(name: str) -> type[db.SessionStore]:
    if name == "SessionStore":
        return CachedSessionStore if _cache_is_shared() else DatabaseSessionStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _cache_is_shared() -> bool:
    """Whether every process sees the default cache (Redis), not its own local memory."""
    return not settings.CACHES["default"]["BACKEND"].endswith(".LocMemCache")
