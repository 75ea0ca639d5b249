from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "membercare.audit"
    verbose_name = "Audit trail"
