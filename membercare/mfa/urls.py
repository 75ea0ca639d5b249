from django.urls import path

from membercare.mfa import views

urlpatterns = [
    path("mfa/setup/", views.setup, name="mfa-setup"),
    path("mfa/verify/", views.verify, name="mfa-verify"),
    path("mfa/reset/<int:user_id>/", views.reset, name="mfa-reset"),
    path("security/", views.security, name="mfa-security"),
    path("security/recovery-codes/", views.recovery_codes, name="mfa-recovery-codes"),
]
