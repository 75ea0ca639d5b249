"""The access-group pages: the groups × capabilities matrix and one page per group.

Every view needs `Manage access groups`. Each one answers htmx with the partial it replaces and a
plain request with the whole page (or a redirect after a change), so all of it works without
JavaScript. The services decide and write; the views translate HTTP.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from membercare.access import services
from membercare.access.capabilities import Cap
from membercare.access.forms import AddMemberForm, CapabilityForm, GroupNameForm
from membercare.access.policy import requires
from membercare.http import HtmxHttpRequest
from membercare.mfa import services as mfa_services

GROUPS_PAGE = "access/groups.html"
GROUP_PAGE = "access/group.html"
DELETE_PAGE = "access/group_delete.html"


# The matrix


@requires(Cap.GROUPS)
@require_GET
def groups(request: HtmxHttpRequest) -> TemplateResponse:
    return _groups_page(request, create_form=GroupNameForm())


@requires(Cap.GROUPS)
@require_POST
def group_create(request: HtmxHttpRequest) -> HttpResponse:
    form = GroupNameForm(request.POST)
    if form.is_valid():
        try:
            group = services.create_group(
                name=form.cleaned_data["name"], actor=request.user, request=request
            )
        except services.RefusedChange as refused:
            form.add_error("name", refused.message)
        else:
            messages.success(
                request,
                _(
                    "Created “%(group)s”. Tick its capabilities in its row, "
                    "then open it to add members."
                )
                % {"group": group.name},
            )
            if not request.htmx:
                return _see_other(reverse("groups") + f"#group-{group.pk}")
            return _groups_page(request, create_form=GroupNameForm(), created=group.pk)
    return _groups_page(request, create_form=form, status=422)


@requires(Cap.GROUPS)
@require_POST
def group_capability(request: HtmxHttpRequest, group_id: int, cap: Cap) -> HttpResponse:
    """One cell of the matrix: grant or revoke one capability of one group."""
    group = get_object_or_404(Group, pk=group_id)
    form = CapabilityForm(request.POST)
    status = 200
    if not form.is_valid():
        messages.error(request, _("That change was not understood: nothing was changed."))
        status = 400
    else:
        granted: bool = form.cleaned_data["granted"]
        try:
            changed = services.set_capability(
                group=group, cap=cap, granted=granted, actor=request.user, request=request
            )
        except services.RefusedChange as refused:
            messages.error(request, refused.message)
            status = 409
        else:
            if not changed:
                messages.info(request, _describe_cap(group, cap, granted))
            elif granted:
                messages.success(
                    request,
                    _("Granted “%(capability)s” to %(group)s.")
                    % {"capability": cap.label, "group": group.name},
                )
            else:
                messages.success(
                    request,
                    _("Took “%(capability)s” away from %(group)s.")
                    % {"capability": cap.label, "group": group.name},
                )
    if not request.htmx:
        if status == 400:
            return _groups_page(request, create_form=GroupNameForm(), status=status)
        return _see_other(reverse("groups") + f"#group-{group.pk}")
    context = {"row": services.group_row(group=group), "cap": cap, "oob": True}
    return TemplateResponse(request, f"{GROUPS_PAGE}#cell-changed", context, status=status)


# One group


@requires(Cap.GROUPS)
@require_GET
def group(request: HtmxHttpRequest, group_id: int) -> TemplateResponse:
    return _group_page(request, get_object_or_404(Group, pk=group_id))


@requires(Cap.GROUPS)
@require_POST
def group_rename(request: HtmxHttpRequest, group_id: int) -> HttpResponse:
    group = get_object_or_404(Group, pk=group_id)
    form = GroupNameForm(request.POST)
    if form.is_valid():
        old = group.name
        try:
            renamed = services.rename_group(
                group=group, name=form.cleaned_data["name"], actor=request.user, request=request
            )
        except services.RefusedChange as refused:
            form.add_error("name", refused.message)
        else:
            if renamed:
                messages.success(
                    request, _("Renamed “%(old)s” to “%(new)s”.") % {"old": old, "new": group.name}
                )
            else:
                messages.info(request, _("The name is unchanged."))
            if not request.htmx:
                return _see_other(reverse("group", args=[group.pk]))
            return _group_page(request, group)
    return _group_page(request, group, rename_form=form, status=422)


@requires(Cap.GROUPS)
@require_POST
def group_member_add(request: HtmxHttpRequest, group_id: int) -> HttpResponse:
    group = get_object_or_404(Group, pk=group_id)
    form = AddMemberForm(request.POST)
    if not form.is_valid():
        return _members_changed(request, group, member_form=form, status=422)
    user = form.user
    if services.add_member(group=group, user=user, actor=request.user, request=request):
        messages.success(
            request,
            _("Added %(user)s to %(group)s.") % {"user": user.get_username(), "group": group.name},
        )
    else:
        messages.info(
            request,
            _("%(user)s already is a member of %(group)s.")
            % {"user": user.get_username(), "group": group.name},
        )
    return _members_changed(request, group)


@requires(Cap.GROUPS)
@require_POST
def group_member_remove(request: HtmxHttpRequest, group_id: int, user_id: int) -> HttpResponse:
    group = get_object_or_404(Group, pk=group_id)
    user = get_object_or_404(get_user_model(), pk=user_id)
    status = 200
    try:
        removed = services.remove_member(
            group=group, user=user, actor=request.user, request=request
        )
    except services.RefusedChange as refused:
        messages.error(request, refused.message)
        status = 409
    else:
        if removed:
            messages.success(
                request,
                _("Removed %(user)s from %(group)s.")
                % {"user": user.get_username(), "group": group.name},
            )
        else:
            messages.info(
                request,
                _("%(user)s is not a member of %(group)s.")
                % {"user": user.get_username(), "group": group.name},
            )
    return _members_changed(request, group, status=status)


@requires(Cap.GROUPS)
@require_POST
def group_delete(request: HtmxHttpRequest, group_id: int) -> HttpResponse:
    """Without `confirm=yes`: the confirmation step, saying who loses access. With it: delete."""
    group = get_object_or_404(Group, pk=group_id)
    status = 200
    refusal = ""
    if request.POST.get("confirm") == "yes":
        name = group.name
        try:
            members = services.delete_group(group=group, actor=request.user, request=request)
        except services.RefusedChange as refused:
            refusal = refused.message
            status = 409
        else:
            if members:
                said = ngettext(
                    "Deleted “%(group)s”. Its %(count)d member lost what it gave them.",
                    "Deleted “%(group)s”. Its %(count)d members lost what it gave them.",
                    members,
                ) % {"group": name, "count": members}
            else:
                said = _("Deleted “%(group)s”.") % {"group": name}
            messages.success(request, said)
            if request.htmx:
                return HttpResponseClientRedirect(reverse("groups"))
            return _see_other(reverse("groups"))
    context = {
        "group": group,
        "member_count": group.user_set.count(),
        "capabilities": _ordered(services.capabilities_of(group=group)),
        "refusal": refusal or services.why_not_delete(group=group),
    }
    template = f"{DELETE_PAGE}#delete-group" if _as_partial(request) else DELETE_PAGE
    return TemplateResponse(request, template, context, status=status)


# Helpers


def _groups_page(
    request: HtmxHttpRequest,
    *,
    create_form: GroupNameForm,
    created: int | None = None,
    status: int = 200,
) -> TemplateResponse:
    context = {
        "rows": services.group_rows(),
        "caps": list(Cap),
        "create_form": create_form,
        "created": created,
    }
    template = f"{GROUPS_PAGE}#access-groups" if _as_partial(request) else GROUPS_PAGE
    return TemplateResponse(request, template, context, status=status)


def _group_page(
    request: HtmxHttpRequest,
    group: Group,
    *,
    rename_form: GroupNameForm | None = None,
    member_form: AddMemberForm | None = None,
    status: int = 200,
) -> TemplateResponse:
    context = _group_context(group, rename_form=rename_form, member_form=member_form)
    template = f"{GROUP_PAGE}#group-page" if _as_partial(request) else GROUP_PAGE
    return TemplateResponse(request, template, context, status=status)


def _members_changed(
    request: HtmxHttpRequest,
    group: Group,
    *,
    member_form: AddMemberForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """After adding or removing a member: the members section (htmx), the page, or a redirect."""
    if request.htmx:
        context = _group_context(group, member_form=member_form) | {"oob": True}
        return TemplateResponse(request, f"{GROUP_PAGE}#members-changed", context, status=status)
    if member_form is not None:
        return _group_page(request, group, member_form=member_form, status=status)
    return _see_other(reverse("group", args=[group.pk]) + "#members")


def _group_context(
    group: Group,
    *,
    rename_form: GroupNameForm | None = None,
    member_form: AddMemberForm | None = None,
) -> dict[str, Any]:
    members = list(services.members_of(group=group))
    return {
        "group": group,
        "members": members,
        # Members with a second factor, which an admin may reset (a lost phone).
        "second_factor": mfa_services.enrolled_user_ids(users=members),
        "capabilities": _ordered(services.capabilities_of(group=group)),
        "rename_form": rename_form or GroupNameForm(initial={"name": group.name}),
        "member_form": member_form or AddMemberForm(),
    }


def _as_partial(request: HtmxHttpRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _see_other(url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(url, status=303)


def _ordered(caps: frozenset[Cap]) -> list[Cap]:
    return [cap for cap in Cap if cap in caps]


def _describe_cap(group: Group, cap: Cap, granted: bool) -> str:
    if granted:
        said = _("No change: %(group)s already has “%(capability)s”.")
    else:
        said = _("No change: %(group)s does not have “%(capability)s”.")
    return said % {"group": group.name, "capability": cap.label}
