"""Dashboards of a territory, a landlord and an operator; their xlsx and PDF; the public open data.

Who sees what:
- `suivi/`: city and State staff, over the communes of their territory (others are sent to their
  own dashboard, or refused when they have none);
- `suivi/bailleurs/<pk>/`: the landlord's members (a stranger gets 404, who sees the landlord
  without belonging to it gets 403);
- `suivi/operateurs/<pk>/`: the operator's members, likewise;
- `donnees-ouvertes/`: everyone, aggregated figures only (monitoring/opendata.py).
"""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.exports import XLSX_CONTENT_TYPE
from accounts.models import Kind, Organization
from accounts.pdf import render_pdf

from . import blocks, charts, exports, figures, opendata
from .forms import DashboardFilterForm, YearForm, make_period, year_period
from .scopes import Scope, territory_title

# The OCDS export lives in operators: its release package (JSON) and the page that explains it,
# linked when their URLs exist.
OCDS_URL_NAMES = ("operators:ocds_package",)
OCDS_PAGE_NAMES = ("operators:open_data",)

# Home panel (registered in registrations.py)


def home_panel(request):
    """Links to the dashboards the user may open (no query: memberships are cached)."""
    user = request.user
    links = []
    if user.has_territory:
        links.append(("Tableau de bord du territoire", reverse("monitoring:dashboard")))
    for membership in user.memberships_cached:
        organization = membership.organization
        if organization.kind in (Kind.LANDLORD, Kind.OPERATOR):
            links.append((f"Tableau de bord de {organization.name}", _own_url(organization)))
    return {"links": links}


def _own_url(organization):
    name = "monitoring:landlord_dashboard" if organization.kind == Kind.LANDLORD else "monitoring:operator_dashboard"
    return reverse(name, args=[organization.pk])


# Scopes: 404 for a stranger, 403 for who sees the organisation without belonging to it


def territory_scope(request):
    if not request.user.has_territory:
        raise PermissionDenied
    return Scope("territory", territory_title(request.user), request.user)


def _organization_scope(request, pk, kind):
    organization = get_object_or_404(Organization.objects.visible_to(request.user).filter(kind=kind), pk=pk)
    if not request.user.has_role(organization):
        raise PermissionDenied
    return Scope(kind, organization.name, request.user, organization)


def landlord_scope(request, pk):
    return _organization_scope(request, pk, Kind.LANDLORD)


def operator_scope(request, pk):
    return _organization_scope(request, pk, Kind.OPERATOR)


def _filters(request, scope):
    form = DashboardFilterForm(request.GET or None, scope=scope, today=timezone.localdate())
    qpv, landlord, period = form.filters()
    return form, qpv, landlord, period


# Dashboards


def _dashboard(request, scope):
    form, qpv, landlord, period = _filters(request, scope)
    board = figures.build(scope, qpv=qpv, landlord=landlord, period=period)
    drawn = charts.dashboard_charts(board)
    headers, month_rows = charts.qpv_month_table(board, drawn["per_qpv_lines"])
    report_form = YearForm(initial={"year": period.year}, today=period.today)
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "scope": scope,
            "form": form,
            "board": board,
            "charts": drawn,
            "qpv_month_headers": headers,
            "blocks": {
                "qpv_rows": blocks.qpv_rows(board),
                "fibre_lists": blocks.fibre_lists(board),
                "landlord_rows": blocks.landlord_rows(board),
                "month_rows": blocks.month_rows(month_rows),
            },
            "report_form": report_form,
            "query": request.GET.urlencode(),
            "filters": {"qpv": qpv.code if qpv else "", "landlord": landlord.pk if landlord else ""},
        },
    )


def dashboard(request):
    user = request.user
    if not user.has_territory:
        for membership in user.memberships_cached:
            if membership.organization.kind in (Kind.LANDLORD, Kind.OPERATOR):
                return redirect(_own_url(membership.organization))
    return _dashboard(request, territory_scope(request))


def landlord_dashboard(request, pk):
    return _dashboard(request, landlord_scope(request, pk))


def operator_dashboard(request, pk):
    return _dashboard(request, operator_scope(request, pk))


# Reports: the dashboard as a workbook (one sheet per view) and as the charter's annual report


def _report_period(request, fallback):
    """A chosen `year` (the report form) wins over the dashboard's period."""
    form = YearForm(request.GET, today=timezone.localdate())
    if "year" in request.GET and form.is_valid():
        return year_period(form.cleaned_data["year"], timezone.localdate())
    return fallback


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx(request, scope):
    _, qpv, landlord, period = _filters(request, scope)
    period = _report_period(request, period)
    board = figures.build(scope, qpv=qpv, landlord=landlord, period=period, detailed=True)
    content = exports.dashboard_xlsx(board)
    name = f"suivi-{slugify(scope.title)[:60]}-{period.code}.xlsx"
    return _download(content, XLSX_CONTENT_TYPE, name)


def dashboard_xlsx(request):
    return _xlsx(request, territory_scope(request))


def landlord_xlsx(request, pk):
    return _xlsx(request, landlord_scope(request, pk))


def operator_xlsx(request, pk):
    return _xlsx(request, operator_scope(request, pk))


def _pdf(request, scope):
    _, qpv, landlord, period = _filters(request, scope)
    period = _report_period(request, make_period(str(period.year), period.today))
    board = figures.build(scope, qpv=qpv, landlord=landlord, period=period, detailed=True)
    content = render_pdf("monitoring/pdf/annual_report.html", exports.report_context(board))
    return _download(content, "application/pdf", f"rapport-annuel-charte-{slugify(scope.title)[:60]}-{period.year}.pdf")


def dashboard_pdf(request):
    return _pdf(request, territory_scope(request))


def landlord_pdf(request, pk):
    return _pdf(request, landlord_scope(request, pk))


def operator_pdf(request, pk):
    return _pdf(request, operator_scope(request, pk))


# The commitments behind the dashboard's counts


STATUS_FILTERS = {"met", "on_track", "late", "other"}


def _commitments(request, scope):
    form, qpv, landlord, period = _filters(request, scope)
    rows, counts = figures.commitment_rows(scope, qpv, landlord, with_charters=True)
    status = request.GET.get("status", "")
    if status in STATUS_FILTERS:
        rows = [(c, p) for c, p in rows if figures.status_group(p) == status]
    user = request.user
    base = scope.lodging_params(qpv, landlord)
    items = []
    for commitment, progress in rows:
        signature = commitment.signature
        may_open = user.has_role(signature.organization_id) or user.has_role(signature.charter.city_id)
        stock_url = ""
        if commitment.kind.code == "equipped_share" and commitment.qpv_id:
            params = {**base, "qpv": commitment.qpv.code}
            if user.has_territory:
                params["landlord"] = signature.organization_id
            stock_url = figures.url("leases:lodging_list", params)
        items.append(
            {
                "commitment": commitment,
                "progress": progress,
                "signature_url": signature.get_absolute_url() if may_open else "",
                "stock_url": stock_url,
            }
        )
    return render(
        request,
        "monitoring/commitment_list.html",
        {"scope": scope, "form": form, "items": items, "counts": counts, "status": status},
    )


def commitment_list(request):
    return _commitments(request, territory_scope(request))


def landlord_commitments(request, pk):
    return _commitments(request, landlord_scope(request, pk))


def operator_commitments(request, pk):
    return _commitments(request, operator_scope(request, pk))


# Open data (public)


def first_url(names):
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


@login_not_required
def open_data(request):
    data = opendata.indicators()
    qpv_rows = [
        {
            "code": row.code,
            "name": row.name,
            "dwellings": row.dwellings,
            "equipped": row.cell("equipped"),
            "rate": row.rate("equipped"),
            "active": row.cell("active"),
            "active_rate": row.rate("active"),
            "fibre": row.extra.get("fibre_ready", ""),
        }
        for row in data.qpv_rows
    ]
    landlord_rows = [
        {
            "code": row.code,
            "name": row.name,
            "dwellings": row.dwellings,
            "in_qpv": row.cell("in_qpv"),
            "equipped": row.cell("equipped"),
            "rate": row.rate("equipped"),
            "active": row.cell("active"),
            "active_rate": row.rate("active"),
        }
        for row in data.landlord_rows
    ]
    return render(
        request,
        "monitoring/open_data.html",
        {
            "data": data,
            "qpv_rows": qpv_rows,
            "landlord_rows": landlord_rows,
            "ocds_url": first_url(OCDS_URL_NAMES),
            "ocds_page": first_url(OCDS_PAGE_NAMES),
            "licence": opendata.LICENCE,
            "licence_url": opendata.LICENCE_URL,
            "threshold": opendata.THRESHOLD,
        },
    )


@login_not_required
def open_data_csv(request, level):
    data = opendata.indicators()
    content = opendata.csv_text(data, level)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{opendata.csv_name(data, level)}"'
    return response
