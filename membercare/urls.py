from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from membercare import health, metrics
from membercare.access.policy import public, signed_in
from membercare.accounts.sign_in_turns import one_turn_each

# An htmx request gets the message alone, for the panel that asked (membercare/errors.py).
handler403 = "membercare.errors.permission_denied"
handler404 = "membercare.errors.page_not_found"

urlpatterns = [
    path("", include("membercare.lookup.urls")),
    path("accounts/login/", public(one_turn_each(auth_views.LoginView.as_view())), name="login"),
    path("accounts/logout/", signed_in(auth_views.LogoutView.as_view()), name="logout"),
    path("accounts/sso/", include("membercare.sso.urls")),
    path("accounts/", include("membercare.accounts.urls")),
    path("accounts/", include("membercare.mfa.urls")),
    path("access/", include("membercare.access.urls")),
    path("audit/", include("membercare.audit.urls")),
    path("admin/", admin.site.urls),
    # For the load balancer and Prometheus (docs/operations.md).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
]

if settings.SANDBOX_ENABLED:
    urlpatterns.append(path("sandbox/", include("membercare.sandbox.urls")))
