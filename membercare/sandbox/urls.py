from django.urls import path

from membercare.access.policy import public
from membercare.sandbox import views

app_name = "sandbox"
urlpatterns = [
    # Outside the dashboard's sign-in: the sandbox checks Capillary's Basic auth itself.
    path("v1.1/customer/get", public(views.customer_get), name="customer-get"),
]
