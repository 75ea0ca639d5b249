from django.conf import settings
from django.db import models


class SSOIdentity(models.Model):
    """A user who signs in through the organisation's provider: who they are there.

    The provider's (issuer, subject) pair finds the user at every sign-in; the username, email or
    name the provider sends never do, so a provider account cannot take over a local one. Such
    users have no usable password: local password features tell them apart by that, or by this row.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identity"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255, help_text="The provider's `sub` claim.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="sso_identity_unique_subject"
            )
        ]
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"

    def __str__(self) -> str:
        return f"Single sign-on identity of {self.user}"
