"""The audit trail in Django's admin: read-only, for people with the `read_audit` capability."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from membercare.access.capabilities import Cap
from membercare.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "actor_username",
        "action",
        "outcome",
        "member_id",
        "identifier_kind",
        "ip",
        "request_id",
    ]
    list_display_links = None  # no change page to link to
    list_filter = ["action", "outcome", "at"]
    search_fields = ["actor_username"]
    date_hierarchy = "at"
    actions = None  # no bulk actions at all, "delete selected" included
    show_full_result_count = False
    list_per_page = 50

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(Cap.AUDIT.permission)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(Cap.AUDIT.permission)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # Not even a read-only form: the trail is read in lists (here and at /audit/).
        raise PermissionDenied
