from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Staff accounts: sign-in lockout, session limits, own password."""

    name = "membercare.accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from membercare.accounts import signals

        signals.connect()
