from django.urls import path

from membercare.sandbox import views

app_name = "sandbox"
urlpatterns = [
    path("v1.1/customer/get", views.customer_get, name="customer-get"),
]
