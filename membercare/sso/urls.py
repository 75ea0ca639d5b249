from django.urls import path

from membercare.sso import views

# Public: the sign-in itself. They answer 404 while single sign-on is not configured.
urlpatterns = [
    path("authenticate/", views.start, name="sso-start"),
    path("callback/", views.callback, name="sso-callback"),
]
