"""The audit page and its CSV export, for people with the `read_audit` capability.

The page works as plain GET requests; htmx swaps only the results when filtering or paging.
"""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from membercare.access.capabilities import Cap
from membercare.access.policy import requires
from membercare.audit import services
from membercare.audit.events import record
from membercare.audit.forms import AuditFilterForm
from membercare.audit.models import Action

PAGE = "audit/audit.html"
PER_PAGE = 50
# Bad filter values: the page again with a message. 422, as the search box does for bad input
# (and unlike 400, django-htmx's DEBUG helper lets htmx swap it in like any answer).
INVALID_FILTERS = 422


@requires(Cap.AUDIT)
@require_GET
def audit(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    as_partial = request.htmx and not request.htmx.history_restore_request  # type: ignore[attr-defined]
    template = f"{PAGE}#audit-results" if as_partial else PAGE
    if not form.is_valid():
        return TemplateResponse(request, template, {"form": form}, status=INVALID_FILTERS)

    filters = form.filters()
    page = Paginator(services.events_matching(filters=filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    base = reverse("audit")
    context = {
        "form": form,
        "page": page,
        "previous_url": (
            f"{base}?{filters.query_string(page=page.previous_page_number())}"
            if page.has_previous()
            else ""
        ),
        "next_url": (
            f"{base}?{filters.query_string(page=page.next_page_number())}"
            if page.has_next()
            else ""
        ),
        "export_url": f"{reverse('audit-export')}?{filters.query_string()}".rstrip("?"),
        "filtered": bool(filters.as_params()),
    }
    return TemplateResponse(request, template, context)


@requires(Cap.AUDIT)
@require_GET
def export(request: HttpRequest) -> HttpResponseBase:
    """The filtered trail as CSV, streamed. The export itself is recorded first."""
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return TemplateResponse(request, PAGE, {"form": form}, status=INVALID_FILTERS)
    filters = form.filters()
    record(request, action=Action.AUDIT_EXPORT, detail={"filters": filters.as_params()})
    response = StreamingHttpResponse(
        services.csv_lines(filters=filters), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
