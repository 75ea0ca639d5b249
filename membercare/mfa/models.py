"""Recovery codes, kept only as keyed hashes.

A recovery code is a lookup secret (OWASP ASVS 5.0 V6.5.2): the database holds its HMAC
(`membercare.hashing.keyed_hash`, keyed from SECRET_KEY), never the code, so a copy of the
database alone signs nobody in. The codes carry more than 112 bits of entropy, which is what lets
one fast keyed hash stand in for a slow password hash (see `services.new_recovery_code`).
"""

from django.conf import settings
from django.db import models


class RecoveryCode(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    digest = models.CharField(max_length=64)  # hex HMAC-SHA256 of the normalised code
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "digest"], name="mfa_recovery_code_once")
        ]

    def __str__(self) -> str:
        return f"Recovery code {self.pk}"  # never the digest: nothing to copy from a listing
