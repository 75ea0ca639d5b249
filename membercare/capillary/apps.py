from django.apps import AppConfig


class CapillaryConfig(AppConfig):
    name = "membercare.capillary"
    verbose_name = "Capillary client"
