from django.urls import path

from membercare.lookup import views

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("search/detect/", views.detect, name="search-detect"),
    path("search/bulk/", views.bulk, name="bulk-lookup"),
    path("customers/<int:user_id>/", views.customer, name="customer"),
    path("customers/<int:user_id>/refresh/", views.refresh, name="customer-refresh"),
    path("customers/<int:user_id>/profile/", views.profile, name="customer-profile"),
    path("customers/<int:user_id>/tiers/", views.tiers, name="customer-tiers"),
    path("customers/<int:user_id>/points/", views.points, name="customer-points"),
    path("customers/<int:user_id>/coupons/", views.coupons, name="customer-coupons"),
    path("customers/<int:user_id>/transactions/", views.transactions, name="customer-transactions"),
    path("customers/<int:user_id>/verify/", views.verify, name="customer-verify"),
    path("customers/<int:user_id>/reveal/", views.reveal, name="customer-reveal"),
    path("customers/<int:user_id>/end-call/", views.end_call, name="customer-end-call"),
    path("customers/as-group/<int:group_id>/", views.group_preview, name="group-preview"),
]
