from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "membercare.sandbox"
    verbose_name = "Capillary sandbox"
