"""The landlord's money pages: the monthly per-lease charges export, the regularisations and each
tenant's statement. Lease references are personal data: the landlord's members only."""

import datetime

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.exports import XLSX_CONTENT_TYPE, xlsx_bytes
from accounts.pdf import render_pdf
from accounts.transitions import run_transition
from leases.models import Lease
from operators.models import Contract

from ..charges import months_between
from ..exports import MONTHLY_COLUMNS, REGULARISATION_COLUMNS, csv_bytes, monthly_charge_rows, regularisation_lines
from ..forms import ExportForm, RegularisationForm
from ..models import (
    AllocationKey,
    ChargeSetting,
    LegalBasis,
    LineKind,
    OperatorInvoice,
    Regularisation,
    RegularisationLine,
    first_of_month,
)
from .common import chosen_landlord, page_of, require_editor


def leases(count):
    return f"{count} bail" if count < 2 else f"{count} baux"


def charges_export(request):
    """GET without a month: the form; with ?month=AAAA-MM&format=xlsx|csv: the file."""
    landlord, landlords = chosen_landlord(request)
    form = ExportForm(request.GET if "month" in request.GET else None, initial={"month": timezone.localdate()})
    if form.is_bound and form.is_valid():
        month = months_between(form.cleaned_data["month"], form.cleaned_data["month"])[0]
        rows = monthly_charge_rows(landlord, month)
        name = f"charges-internet-{landlord.siren}-{month.key}"
        if form.cleaned_data["format"] == "csv":
            response = HttpResponse(csv_bytes(MONTHLY_COLUMNS, rows), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        else:
            content = xlsx_bytes([(f"Charges {month.key}", MONTHLY_COLUMNS, rows)])
            response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
            response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    return render(
        request,
        "subscriptions/charges_export.html",
        {"form": form, "landlord": landlord, "landlords": landlords},
    )


def regularisation_list(request, form=None):
    landlord, landlords = chosen_landlord(request)
    regularisations = (
        Regularisation.objects.filter(landlord=landlord)
        .annotate(
            line_count=Count("lines", filter=Q(lines__kind=LineKind.INITIAL)),
            total_balance=Sum("lines__balance"),
        )
        .order_by("-period_start")
    )
    today = timezone.localdate()
    last_year = today.year - 1
    return render(
        request,
        "subscriptions/regularisation_list.html",
        {
            "landlord": landlord,
            "landlords": landlords,
            "regularisations": regularisations,
            "form": form or RegularisationForm(initial={"year": last_year}),
            "can_edit": request.user.can_edit_for(landlord),
        },
    )


@require_POST
def regularisation_create(request):
    landlord, _ = chosen_landlord(request)
    require_editor(request.user, landlord.pk)
    form = RegularisationForm(request.POST)
    if not form.is_valid():
        return regularisation_list(request, form=form)
    year = form.cleaned_data["year"]
    start = Regularisation.next_start(landlord, year)
    end = form.cleaned_data["period_end"] or datetime.date(year, 12, 31)
    errors = Regularisation.period_errors(landlord=landlord, start=start, end=end)
    if errors:
        for error in errors:
            form.add_error(None, error)
        return regularisation_list(request, form=form)
    try:
        with transaction.atomic():
            regularisation = Regularisation.objects.create(landlord=landlord, period_start=start, period_end=end)
            count = regularisation.compute(by=request.user)
    except IntegrityError:
        messages.error(request, "Cette régularisation vient d'être établie par quelqu'un d'autre.")
        return redirect("subscriptions:regularisation_list")
    messages.success(request, f"{regularisation.title} calculée : {leases(count)}.")
    return redirect(regularisation)


def visible_regularisation(request, pk):
    return get_object_or_404(Regularisation.objects.visible_to(request.user).select_related("landlord"), pk=pk)


def regularisation_detail(request, pk):
    regularisation = visible_regularisation(request, pk)
    lines = regularisation_lines(regularisation)
    totals = lines.aggregate(
        total_provisions=Sum("provisions"),
        total_actual=Sum("actual_cost"),
        to_pay=Sum("balance", filter=Q(balance__gt=0)),
        to_refund=Sum("balance", filter=Q(balance__lt=0)),
        leases=Count("lease", distinct=True),
        corrections=Count("pk", filter=Q(kind=LineKind.CORRECTION)),
    )
    return render(
        request,
        "subscriptions/regularisation_detail.html",
        {
            "regularisation": regularisation,
            "page": page_of(request, lines),
            "totals": totals,
            "missing_invoices": missing_invoices(regularisation),
            "can_edit": request.user.can_edit_for(regularisation.landlord),
        },
    )


def missing_invoices(regularisation):
    """Contract-months of the period with subscriptions but no invoice: their cost is the contract's price."""
    months = [m.first for m in months_between(regularisation.period_start, regularisation.period_end)]
    contracts = Contract.objects.filter(landlord=regularisation.landlord, subscriptions__isnull=False).distinct()
    found = set(
        OperatorInvoice.objects.filter(contract__in=contracts, month__in=months).values_list("contract_id", "month")
    )
    missing = []
    for contract in contracts:
        lacking = [
            m
            for m in months
            if (contract.pk, m) not in found and contract.start and m >= first_of_month(contract.start)
        ]
        if lacking:
            missing.append((contract, lacking))
    return missing


@require_POST
def regularisation_compute(request, pk):
    regularisation = visible_regularisation(request, pk)
    require_editor(request.user, regularisation.landlord_id)
    with transaction.atomic():
        locked = Regularisation.objects.select_for_update().get(pk=pk)
        if locked.is_frozen:
            messages.warning(request, "Cette régularisation a été envoyée : elle ne se recalcule plus.")
            return redirect(regularisation)
        count = locked.compute(by=request.user)
    messages.success(request, f"Régularisation recalculée : {leases(count)}.")
    return redirect(regularisation)


@require_POST
def regularisation_send(request, pk):
    regularisation = visible_regularisation(request, pk)
    run_transition(
        request,
        regularisation,
        "send",
        success="Régularisation marquée comme envoyée : elle est désormais figée, les justificatifs restent "
        "à la disposition des locataires pendant six mois.",
    )
    return redirect(regularisation)


@require_POST
def regularisation_correct(request, pk):
    regularisation = visible_regularisation(request, pk)
    require_editor(request.user, regularisation.landlord_id)
    with transaction.atomic():
        locked = Regularisation.objects.select_for_update().get(pk=pk)
        if not locked.is_frozen:
            messages.warning(request, "Un brouillon se recalcule : les rectifications viennent après l'envoi.")
            return redirect(regularisation)
        count = locked.add_corrections(by=request.user)
    if count:
        messages.success(request, f"{count} rectification{'s' if count > 1 else ''} ajoutée{'s' if count > 1 else ''}.")
    else:
        messages.info(request, "Aucun écart : les montants envoyés sont toujours justes.")
    return redirect(regularisation)


def regularisation_xlsx(request, pk):
    regularisation = visible_regularisation(request, pk)
    content = xlsx_bytes([("Régularisation", REGULARISATION_COLUMNS, regularisation_lines(regularisation).iterator())])
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="regularisation-internet-{regularisation.landlord.siren}-'
        f'{regularisation.period_start:%Y%m%d}-{regularisation.period_end:%Y%m%d}.xlsx"'
    )
    return response


def statement_context(regularisation, lease):
    lines = list(
        RegularisationLine.objects.filter(regularisation=regularisation, lease=lease).order_by("created_at", "pk")
    )
    if not lines:
        raise Http404
    residence = lines[0].residence
    start, end = regularisation.period_start, regularisation.period_end
    bases = list(
        LegalBasis.objects.covering()
        .filter(residence=residence, effective_from__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .prefetch_related("votes")
    )
    setting = ChargeSetting.objects.for_month(residence, end)
    contracts = list(
        Contract.objects.filter(subscriptions__lodging=lines[0].lodging).distinct().select_related("operator")
    )
    invoices = OperatorInvoice.objects.filter(contract__in=contracts, month__gte=first_of_month(start), month__lte=end)
    latest_months = next((line.months for line in reversed(lines) if line.months), [])
    return {
        "regularisation": regularisation,
        "landlord": regularisation.landlord,
        "lease": lease,
        "lodging": lines[0].lodging,
        "residence": residence,
        "lines": lines,
        "months": [{"key": m[0], "days": m[1], "provision": m[2], "actual": m[3]} for m in latest_months],
        "provisions": sum(line.provisions for line in lines),
        "actual": sum(line.actual_cost for line in lines),
        "balance": sum(line.balance for line in lines),
        "refund": -sum(line.balance for line in lines),
        "bases": bases,
        "setting": setting,
        "key": AllocationKey(setting.allocation_key).label if setting else AllocationKey.PER_DWELLING.label,
        "contracts": contracts,
        "invoice_count": invoices.count(),
        "invoiced_total": sum(i.amount_ttc for i in invoices),
        "available_until": regularisation.documents_available_until,
        "today": timezone.localdate(),
    }


def statement_pdf(request, pk, lease_pk):
    """The tenant's statement, in French: by type of charge, with the key, the legal basis and the six
    months during which the supporting documents stay available."""
    regularisation = visible_regularisation(request, pk)
    lease = get_object_or_404(Lease.objects.visible_to(request.user).select_related("lodging"), pk=lease_pk)
    content = render_pdf("subscriptions/pdf/statement.html", statement_context(regularisation, lease))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="decompte-internet-{regularisation.period_end:%Y}-{lease.reference}.pdf"'
    )
    return response
