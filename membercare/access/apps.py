from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "membercare.access"
    verbose_name = "Access"

    def ready(self) -> None:
        from membercare.access import signals

        signals.connect()
