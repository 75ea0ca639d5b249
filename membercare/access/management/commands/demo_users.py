"""Create (or reset) the demo users agent, manager and admin, each in their default access group."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from membercare.access.capabilities import ADMINS, AGENTS, STORE_MANAGERS
from membercare.access.models import StaffProfile
from membercare.access.services import ensure_default_groups

# username: (group, store code, user fields)
DEMO_USERS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "agent": (AGENTS, "", {"first_name": "Ada", "last_name": "Agent"}),
    "manager": (STORE_MANAGERS, "blr.indiranagar", {"first_name": "Sam", "last_name": "Manager"}),
    "admin": (ADMINS, "", {"first_name": "Avery", "last_name": "Admin", "is_staff": True}),
}


class Command(BaseCommand):
    help = "Create the demo users agent, manager and admin (password from DEMO_PASSWORD)."

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        # The same rules as every local account, checked before anything is written: a demo
        # admin with a weak password is an admin anyone can guess. The default passes them.
        for username, (_, _, fields) in DEMO_USERS.items():
            try:
                validate_password(settings.DEMO_PASSWORD, User(username=username, **fields))
            except ValidationError as error:
                raise CommandError(
                    f"DEMO_PASSWORD is refused: {' '.join(error.messages)}"
                ) from None
        ensure_default_groups()
        for username, (group, store_code, fields) in DEMO_USERS.items():
            user, created = User.objects.update_or_create(username=username, defaults=fields)
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
            user.groups.set([Group.objects.get(name=group)])
            StaffProfile.objects.update_or_create(user=user, defaults={"store_code": store_code})
            verb = "created" if created else "reset"
            self.stdout.write(f"{verb} demo user {username} ({group})")
