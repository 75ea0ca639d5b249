from django.urls import path, register_converter

from membercare.access import views
from membercare.access.capabilities import Cap


class CapConverter:
    """A capability's codename in a URL; anything else does not match (404)."""

    regex = "|".join(cap.value for cap in Cap)

    def to_python(self, value: str) -> Cap:
        return Cap(value)

    def to_url(self, value: Cap | str) -> str:
        return Cap(value).value


register_converter(CapConverter, "cap")

urlpatterns = [
    path("groups/", views.groups, name="groups"),
    path("groups/new/", views.group_create, name="group-create"),
    path("groups/<int:group_id>/", views.group, name="group"),
    path(
        "groups/<int:group_id>/capabilities/<cap:cap>/",
        views.group_capability,
        name="group-capability",
    ),
    path("groups/<int:group_id>/rename/", views.group_rename, name="group-rename"),
    path("groups/<int:group_id>/delete/", views.group_delete, name="group-delete"),
    path("groups/<int:group_id>/members/", views.group_member_add, name="group-member-add"),
    path(
        "groups/<int:group_id>/members/<int:user_id>/remove/",
        views.group_member_remove,
        name="group-member-remove",
    ),
]
