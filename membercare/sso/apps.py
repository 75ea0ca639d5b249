from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "membercare.sso"
    label = "sso"
    verbose_name = "Single sign-on"
