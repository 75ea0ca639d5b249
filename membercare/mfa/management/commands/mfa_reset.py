"""Remove a user's second factor (a lost phone): they set it up again at their next sign-in."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from membercare.mfa import services


class Command(BaseCommand):
    help = "Reset a user's second factor: their devices and recovery codes are removed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user has the username {username!r}.") from None
        if services.reset(user=user, actor=None):
            self.stdout.write(
                f"Reset the second factor of {username}: they enrol at their next sign-in."
            )
        else:
            self.stdout.write(f"{username} had no second factor set up: nothing to reset.")
