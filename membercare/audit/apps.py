from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "membercare.audit"
    verbose_name = "Audit trail"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth import signals as auth_signals

        from membercare.audit import signals

        auth_signals.user_logged_in.connect(signals.on_sign_in, dispatch_uid="audit.sign_in")
        auth_signals.user_logged_out.connect(signals.on_sign_out, dispatch_uid="audit.sign_out")
        auth_signals.user_login_failed.connect(
            signals.on_sign_in_failed, dispatch_uid="audit.sign_in_failed"
        )
