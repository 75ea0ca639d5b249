from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "membercare.access"
    verbose_name = "Access"
