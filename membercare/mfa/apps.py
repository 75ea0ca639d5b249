from django.apps import AppConfig


class MfaConfig(AppConfig):
    name = "membercare.mfa"
    verbose_name = "Second factor"
