from django.apps import AppConfig


class LookupConfig(AppConfig):
    name = "membercare.lookup"
    verbose_name = "Member lookup"
