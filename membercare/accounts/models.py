from django.conf import settings
from django.db import models
from django.utils import timezone


class SignedInSession(models.Model):
    """One signed-in browser of a member of staff.

    Django's session table cannot say whose a session is without decoding every row: this index is
    what lets an admin see and end a user's sessions, and a leaver lose theirs at once.
    """

    session_key = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    started_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"Session of {self.user} since {self.started_at:%Y-%m-%d %H:%M}"
