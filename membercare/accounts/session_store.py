"""Django's cached_db sessions, telling the session index when a session's key changes.

Django gives a session a new key at sign-in, on a password change, and wherever else a session's
privilege changes (the second factor): the index (SignedInSession) must follow, or an admin ending
the session would end a key nobody holds any more.
"""

from django.contrib.sessions.backends import cached_db


class SessionStore(cached_db.SessionStore):
    def cycle_key(self) -> None:
        old = self.session_key
        super().cycle_key()
        # Imported here: Django imports the session engine before the apps are ready.
        from membercare.accounts.sessions import rekey

        rekey(old=old, new=self.session_key)
