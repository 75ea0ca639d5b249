"""The second factor: who must use one, enrolment, checking a code, recovery codes, reset.

A TOTP device (an authenticator app) is the factor; a static device holds the recovery codes, each
good once. Both are django-otp's models. Every check runs in one transaction with the device row
locked, so that two requests cannot both pass the throttle or spend the same recovery code.

One throttle counts every wrong code, TOTP or recovery: the TOTP device's (django-otp's back-off,
1, 2, 4, 8... seconds after successive failures). The audit trail gets each outcome, and never a
code or a secret.
"""

import math
import re
from base64 import b32encode
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from membercare.access.capabilities import Cap
from membercare.access.policy import Viewer, viewer_for
from membercare.audit.events import record
from membercare.audit.models import Action

RECOVERY_CODES = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# The capabilities that make a second factor compulsory: seeing contact details unmasked on
# demand, and deciding who may do what.
GUARDED = (Cap.REVEAL, Cap.GROUPS)

_TOTP_CODE = re.compile(r"[0-9]{6}")
_RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")  # django-otp's StaticToken.random_token()


@dataclass(frozen=True)
class Check:
    """What a code was worth: "ok", "recovery_code", "failed" or "throttled".

    `wait_seconds`: how long before the next try is accepted (0: now).
    """

    outcome: str
    device: Device | None = None
    wait_seconds: int = 0

    @property
    def passed(self) -> bool:
        return self.outcome in ("ok", "recovery_code")


def must_use_mfa(*, user: Any, viewer: Viewer | None = None) -> bool:
    """Local users who may reveal or manage access groups (or everyone local, by the setting).

    A user without a usable password signs in through the identity provider, whose own second
    factor is the organisation's to require.
    """
    if not user.is_authenticated or not user.has_usable_password():
        return False
    if settings.MFA_REQUIRED_FOR_ALL or user.is_superuser:
        return True
    return (viewer or viewer_for(user)).can_any(GUARDED)


def app_device(*, user: Any) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they enrolled."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def enrolled_user_ids(*, users: Iterable[Any]) -> set[int]:
    """Which of `users` have an authenticator app (the group page offers to reset theirs)."""
    devices = TOTPDevice.objects.filter(user__in=list(users), confirmed=True)
    return set(devices.values_list("user_id", flat=True))


def recovery_codes_left(*, user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# Enrolment


def enrolment_device(*, user: Any) -> TOTPDevice:
    """The unconfirmed device being set up: the same secret on every visit until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The secret as an app's "enter a key" field wants it: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// URL as an inline SVG: one <path> with presentation attributes, no style
    attribute and no <style> element, so the strict CSP shows it."""
    qr = segno.make(device.config_url, error="m")
    svg = qr.svg_inline(
        scale=4, svgclass="qr-code", lineclass=None, title="QR code to scan with your app"
    )
    return mark_safe(svg)  # noqa: S308 - segno's own markup; the URL in it is escaped by segno


def confirm_enrolment(
    *, user: Any, device: TOTPDevice, code: str, request: HttpRequest | None = None
) -> tuple[Check, list[str]]:
    """A first code from the app confirms the device; it then comes with fresh recovery codes."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        check = _check_app_code(locked, code)
        codes: list[str] = []
        if check.passed:
            locked.confirmed = True
            locked.save(update_fields=["confirmed"])
            # Any other half-set-up device (another tab) is dropped: one app per user.
            TOTPDevice.objects.filter(user=user).exclude(pk=locked.pk).delete()
            codes = _replace_recovery_codes(user)
    if check.passed:
        record(request, action=Action.MFA_ENROLLED, actor=user)
    else:
        _record_failure(request, user, check, step="enrol")
    return check, codes


# Verification


def verify_app_code(*, user: Any, code: str, request: HttpRequest | None = None) -> Check:
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        check = _check_app_code(device, code) if device else Check("failed")
    _record_verification(request, user, check)
    return check


def verify_recovery_code(*, user: Any, code: str, request: HttpRequest | None = None) -> Check:
    """A recovery code passes once: it is deleted as it is accepted."""
    with transaction.atomic():
        app = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        wait = throttle_wait(app) if app else 0
        if wait:
            check = Check("throttled", wait_seconds=wait)
        else:
            static = (
                StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            )
            if static is not None and static.verify_token(normalise_recovery_code(code)):
                check = Check("recovery_code", device=static)
                if app:
                    app.throttle_reset()
            else:
                if app:
                    app.throttle_increment()
                check = Check("failed", wait_seconds=throttle_wait(app) if app else 0)
    _record_verification(request, user, check)
    return check


def throttle_wait(device: TOTPDevice) -> int:
    """Seconds before the device accepts another try (django-otp's back-off); 0 when it does now."""
    allowed, info = device.verify_is_allowed()
    if allowed or not info or "locked_until" not in info:
        return 0
    return max(1, math.ceil((info["locked_until"] - timezone.now()).total_seconds()))


# Recovery codes


def regenerate_recovery_codes(
    *, user: Any, code: str, request: HttpRequest | None = None
) -> tuple[Check, list[str]]:
    """New recovery codes (the old ones stop working), for a current code from the app."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        check = _check_app_code(device, code) if device else Check("failed")
        codes = _replace_recovery_codes(user) if check.passed else []
    if check.passed:
        record(request, action=Action.MFA_ENROLLED, outcome="new_recovery_codes", actor=user)
    else:
        _record_failure(request, user, check, step="new_recovery_codes")
    return check, codes


def format_recovery_code(code: str) -> str:
    """ "abcd2345" -> "abcd-2345": easier to read and copy; typed with or without the hyphen."""
    return f"{code[:4]}-{code[4:]}"


def normalise_recovery_code(text: str) -> str:
    return re.sub(r"[\s-]", "", text).lower()


def normalise_app_code(text: str) -> str:
    return re.sub(r"\s", "", text)


def looks_like_app_code(text: str) -> bool:
    return bool(_TOTP_CODE.fullmatch(normalise_app_code(text)))


def looks_like_recovery_code(text: str) -> bool:
    return bool(_RECOVERY_CODE.fullmatch(normalise_recovery_code(text)))


# Reset


def reset(*, user: Any, actor: Any, request: HttpRequest | None = None) -> int:
    """Remove the user's devices: they enrol again at their next sign-in, and any session of
    theirs that the removed device had verified is no longer verified. Returns how many went."""
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        removed += StaticDevice.objects.filter(user=user).delete()[0]
    record(
        request,
        action=Action.MFA_RESET,
        actor=actor,
        detail={"username": user.get_username()},
    )
    return removed


# Helpers


def _check_app_code(device: TOTPDevice, code: str) -> Check:
    """Call inside a transaction, with the device row locked."""
    wait = throttle_wait(device)
    if wait:
        return Check("throttled", wait_seconds=wait)
    if device.verify_token(normalise_app_code(code)):
        return Check("ok", device=device)
    return Check("failed", wait_seconds=throttle_wait(device))


def _replace_recovery_codes(user: Any) -> list[str]:
    static = StaticDevice.objects.filter(user=user).order_by("pk").first()
    if static is None:
        static = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    static.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def _record_verification(request: HttpRequest | None, user: Any, check: Check) -> None:
    if check.passed:
        record(request, action=Action.MFA_VERIFIED, outcome=check.outcome, actor=user)
    else:
        _record_failure(request, user, check, step="verify")


def _record_failure(request: HttpRequest | None, user: Any, check: Check, *, step: str) -> None:
    record(
        request, action=Action.MFA_FAILED, outcome=check.outcome, actor=user, detail={"step": step}
    )
