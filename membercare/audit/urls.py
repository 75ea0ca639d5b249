from django.urls import path

from membercare.audit import views

urlpatterns = [
    path("", views.audit, name="audit"),
    path("export.csv", views.export, name="audit-export"),
]
