from django.conf import settings
from django.db import models

from membercare.access.capabilities import Cap


class Capability(models.Model):
    """No table: the anchor of membercare's permissions (see capabilities.py)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [(cap.value, cap.label) for cap in Cap]

    def __str__(self) -> str:
        return "membercare capability"


class StaffProfile(models.Model):
    """What membercare knows of a member of staff beyond Django's user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    store_code = models.CharField(
        max_length=64,
        blank=True,
        help_text="A store manager sees only this store's transactions.",
    )
    # The language the user chose in the header's menu; blank: their browser's (membercare/i18n.py).
    language = models.CharField(
        max_length=16,
        blank=True,
        choices=settings.LANGUAGES,
        help_text="The dashboard's language for this user; blank: the browser's.",
    )

    def __str__(self) -> str:
        return f"Profile of {self.user}"
