"""Print a user's current TOTP code, to try `make run` without a phone (DEBUG only)."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current code of a user's authenticator app (refused unless DEBUG is on)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if not settings.DEBUG:
            # Anyone who can run this could sign in as anybody: never outside development.
            raise CommandError("mfa_code only works with DEBUG on (development).")
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user has the username {username!r}.") from None
        # The confirmed app, or the one being set up (the enrolment page asks for its code).
        device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "pk").first()
        if device is None:
            raise CommandError(
                f"{username} has no second factor yet: sign in as them to reach the set-up page."
            )
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        # A code is good once: after the current one was used, the next step's (still accepted).
        step = max(totp.t(), device.last_t + 1)
        self.stdout.write(f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}")
