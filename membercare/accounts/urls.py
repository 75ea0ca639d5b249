from django.urls import path

from membercare.accounts import views

urlpatterns = [
    path("language/", views.set_language, name="set-language"),
    path("password/", views.password_change, name="password-change"),
    path("session/", views.session_status, name="session-status"),
    path("sessions/end-others/", views.end_other_sessions, name="end-other-sessions"),
    path("sign-ins/", views.sign_ins, name="sign-ins"),
    path("sign-ins/sessions/<int:session_id>/end/", views.session_end, name="session-end"),
    path("sign-ins/sessions/end/", views.sessions_end, name="sessions-end"),
    path("sign-ins/unlock/", views.unlock, name="unlock"),
]
