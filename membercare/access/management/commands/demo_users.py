"""Create (or reset) the demo users agent, manager and admin for local development."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_USERS: dict[str, dict[str, Any]] = {
    "agent": {"first_name": "Ada", "last_name": "Agent"},
    "manager": {"first_name": "Sam", "last_name": "Manager"},
    "admin": {"first_name": "Avery", "last_name": "Admin", "is_staff": True, "is_superuser": True},
}


class Command(BaseCommand):
    help = "Create the demo users agent, manager and admin (password from DEMO_PASSWORD)."

    def handle(self, *args: Any, **options: Any) -> None:
        password = getattr(settings, "DEMO_PASSWORD", "")
        User = get_user_model()
        for username, fields in DEMO_USERS.items():
            user, created = User.objects.update_or_create(username=username, defaults=fields)
            user.set_password(password)
            user.save()
            self.stdout.write(f"{'created' if created else 'updated'} demo user {username}")
