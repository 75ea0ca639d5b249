"""The second factor: who must use one, enrolment, checking a code, recovery codes, reset.

A TOTP device (an authenticator app, django-otp's model) is the factor. Recovery codes, each good
once, are our own `RecoveryCode` rows holding only a keyed hash of the code (ASVS V6.5.2); a
recovery code signs the session in as verified by the app's device, so django-otp's
`is_verified()` has one device to know. Every check runs in one transaction with the app's row
locked, so that two requests cannot both pass the throttle or spend the same recovery code.

One throttle counts every wrong code, TOTP or recovery: the TOTP device's (django-otp's back-off,
1, 2, 4, 8... seconds after successive failures). The audit trail gets each outcome, and never a
code or a secret.
"""

import math
import re
import secrets
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
from django_otp.plugins.otp_totp.models import TOTPDevice

from membercare.access.capabilities import Cap
from membercare.access.policy import Viewer, viewer_for
from membercare.audit.events import record
from membercare.audit.models import Action
from membercare.hashing import keyed_hash
from membercare.mfa.models import RecoveryCode

RECOVERY_CODES = 10
APP_DEVICE_NAME = "Authenticator app"
# Recovery codes use no character that reads as another (0/o, 1/i/l), in any font or case.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
# 6 groups of 4 from 31 characters: 118 bits. ASVS V6.5.2 lets a lookup secret of 112 bits or more
# be stored with a standard hash (below that it asks for a slow, salted password hash), so even
# with the key, a copy of the table cannot be searched for the codes.
RECOVERY_GROUPS = 6
RECOVERY_GROUP_LENGTH = 4
RECOVERY_HASH_PURPOSE = "mfa.recovery"
# The capabilities that make a second factor compulsory: seeing contact details unmasked on
# demand, and deciding who may do what.
GUARDED = (Cap.REVEAL, Cap.GROUPS)

_TOTP_CODE = re.compile(r"[0-9]{6}")
_RECOVERY_CODE = re.compile(f"[{RECOVERY_ALPHABET}]{{{RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH}}}")


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
    return RecoveryCode.objects.filter(user=user).count()


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
    """A recovery code passes once: it is deleted as it is accepted.

    It passes as the app's device (the session is then verified by that device, as after a code
    from the app), with the outcome "recovery_code". The app's row lock serialises the checks, and
    the delete's count decides: of two requests spending one code, only one deletes a row.
    """
    with transaction.atomic():
        app = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if app is None:  # codes come with the app and go with it (reset)
            check = Check("failed")
        elif wait := throttle_wait(app):
            check = Check("throttled", wait_seconds=wait)
        else:
            spent, _ = RecoveryCode.objects.filter(user=user, digest=recovery_digest(code)).delete()
            if spent:
                app.throttle_reset()
                check = Check("recovery_code", device=app)
            else:
                app.throttle_increment()
                check = Check("failed", wait_seconds=throttle_wait(app))
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


def new_recovery_code() -> str:
    """24 characters from the unambiguous alphabet, by the system's CSPRNG (ASVS V6.5.3)."""
    length = RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH
    return "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(length))


def recovery_digest(code: str) -> str:
    """What the database keeps of a code: an HMAC keyed from SECRET_KEY, of the code as typed
    with or without hyphens, in any case. (A new SECRET_KEY retires every recovery code.)"""
    return keyed_hash(normalise_recovery_code(code), purpose=RECOVERY_HASH_PURPOSE)


def format_recovery_code(code: str) -> str:
    """In groups of four, "abcd-efgh-...": easier to read and copy; typed with or without them."""
    step = RECOVERY_GROUP_LENGTH
    return "-".join(code[i : i + step] for i in range(0, len(code), step))


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
    """Remove the user's app and recovery codes: they enrol again at their next sign-in, and any
    session of theirs that the removed device had verified (after a code from the app or a
    recovery code) is no longer verified. Returns how many rows went."""
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        removed += RecoveryCode.objects.filter(user=user).delete()[0]
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
    """Fresh codes for the user, the old ones deleted; only their digests are stored. The codes
    are returned to be shown once, and are not kept anywhere else."""
    RecoveryCode.objects.filter(user=user).delete()
    codes: list[str] = []
    while len(codes) < RECOVERY_CODES:  # ten different codes (a repeat is all but impossible)
        code = new_recovery_code()
        if code not in codes:
            codes.append(code)
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, digest=recovery_digest(code)) for code in codes
    )
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
