"""Contracts seen from the subscriptions: the overview, a contract's rollout against its perimeter,
its operator reports (upload, what each changed, contests), invoices and repair delays."""

import statistics

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from accounts.exports import XLSX_CONTENT_TYPE, xlsx_bytes
from accounts.models import Kind
from leases.models import Lodging
from operators.models import Contract, ContractState

from ..forms import ContestForm, InvoiceForm, ReportUploadForm
from ..models import (
    FUNNEL,
    ChargeSetting,
    Incident,
    LegalBasis,
    OperatorInvoice,
    OperatorReport,
    Rollout,
    Subscription,
    SubscriptionEvent,
    SubscriptionStatus,
    may_edit,
)
from ..rollout import rollout_candidates, start_rollout
from .common import form_errors_to_messages, my_landlords, page_of, require_editor, visible_contract

STATUS_LABELS = dict(SubscriptionStatus.choices)


def _count(status):
    return Count("subscriptions", filter=Q(subscriptions__status=status))


def perimeter_size():
    """Subquery: dwellings in stock in the contract's residences."""
    counts = (
        Lodging.objects.in_stock()
        .filter(residence__operator_contracts=OuterRef("pk"))
        .order_by()
        .values("residence__operator_contracts")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def overview(request):
    """Every contract the user sees, with its funnel: one query whatever their number."""
    user = request.user
    contracts = (
        Contract.objects.visible_to(user)
        .select_related("landlord", "operator")
        .annotate(perimeter=perimeter_size(), **{status: _count(status) for status in SubscriptionStatus.values})
        .order_by("-start", "reference")
    )
    page = page_of(request, contracts)
    for contract in page:
        contract.progress = round(100 * contract.active / contract.perimeter) if contract.perimeter else None
    return render(
        request,
        "subscriptions/overview.html",
        {"page": page, "landlords": list(my_landlords(user)), "is_operator": Kind.OPERATOR in user.kinds},
    )


def repair_summary(contract):
    """Median and longest repair delay (hours) of the contract's resolved incidents; open ones apart."""
    rows = list(Incident.objects.filter(subscription__contract=contract).values_list("reported_at", "resolved_at"))
    resolved = [(end - start).total_seconds() / 3600 for start, end in rows if end is not None]
    return {
        "count": len(rows),
        "open": sum(1 for _, end in rows if end is None),
        "median": statistics.median(resolved) if resolved else None,
        "longest": max(resolved) if resolved else None,
    }


def residence_rows(contract):
    """Per residence of the contract: dwellings, funnel, legal basis and tenant charge (four queries)."""
    today = timezone.localdate()
    residences = list(contract.residences.select_related("qpv").order_by("commune_name", "name"))
    totals = dict(
        Lodging.objects.in_stock()
        .filter(residence__in=residences)
        .values("residence_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("residence_id", "n")
    )
    funnel = {}
    for residence_id, status, n in (
        Subscription.objects.filter(contract=contract)
        .values("lodging__residence_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("lodging__residence_id", "status", "n")
    ):
        funnel.setdefault(residence_id, dict.fromkeys(SubscriptionStatus.values, 0))[status] = n
    bases = {b.residence_id: b for b in LegalBasis.objects.open().filter(residence__in=residences)}
    settings = {}
    for setting in ChargeSetting.objects.filter(residence__in=residences, valid_from__lte=today).order_by("valid_from"):
        settings[setting.residence_id] = setting
    rows = []
    for residence in residences:
        setting = settings.get(residence.pk)
        rows.append(
            {
                "residence": residence,
                "total": totals.get(residence.pk, 0),
                "funnel": [(s, funnel.get(residence.pk, {}).get(s, 0)) for s in FUNNEL],
                "basis": bases.get(residence.pk),
                "charge": setting.tenant_amount(contract.unit_price_ttc) if setting else None,
            }
        )
    return rows


def contract_detail(request, pk):
    contract = visible_contract(request, pk)
    user = request.user
    subscriptions = Subscription.objects.filter(contract=contract)
    funnel = subscriptions.funnel()
    perimeter = contract.lodgings().count()
    live = sum(n for status, n in funnel.items() if status != SubscriptionStatus.TERMINATED)
    status = request.GET.get("statut", "")
    listed = subscriptions.select_related("lodging", "lodging__residence").order_by("lodging__rpls_id")
    if status in STATUS_LABELS:
        listed = listed.filter(status=status)
    incidents = Incident.objects.filter(subscription__contract=contract).select_related("subscription__lodging")
    is_landlord_editor = may_edit(user, contract.landlord_id)
    can_roll_out = is_landlord_editor and contract.state == ContractState.ACTIVE
    context = {
        "contract": contract,
        "funnel": [(s, STATUS_LABELS[s], funnel[s]) for s in SubscriptionStatus.values],
        "perimeter": perimeter,
        "not_planned": max(perimeter - live, 0),
        "progress": round(100 * funnel[SubscriptionStatus.ACTIVE] / perimeter) if perimeter else None,
        "residences": residence_rows(contract),
        "reports": contract.reports.select_related("uploaded_by")[:20],
        "rollouts": Rollout.objects.filter(contract=contract).select_related("started_by")[:10],
        "incidents": incidents[:20],
        "repairs": repair_summary(contract),
        "invoices": contract.invoices.all()[:24],
        "page": page_of(request, listed),
        "status": status,
        "statuses": SubscriptionStatus.choices,
        "can_roll_out": can_roll_out,
        "to_plan": rollout_candidates(contract)[0].count() if can_roll_out else 0,
        "can_report": may_edit(user, contract.operator_id) and contract.state == ContractState.ACTIVE,
        "can_invoice": is_landlord_editor,
        "invoice_form": InvoiceForm(contract=contract),
        "is_party": user.has_role(contract.landlord_id) or user.has_role(contract.operator_id),
    }
    return render(request, "subscriptions/contract_detail.html", context)


@require_POST
def contract_rollout(request, pk):
    contract = visible_contract(request, pk)
    require_editor(request.user, contract.landlord_id)
    try:
        rollout = start_rollout(contract=contract, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("subscriptions:contract_detail", pk=contract.pk)
    if rollout.created_count:
        text = f"Déploiement lancé : {rollout.created_count} abonnement{'s' if rollout.created_count > 1 else ''} prévu"
        messages.success(request, text + ("s." if rollout.created_count > 1 else "."))
    else:
        messages.info(request, "Tous les logements du périmètre ont déjà un abonnement prévu.")
    if rollout.skipped_count:
        messages.warning(
            request,
            f"{rollout.skipped_count} logement(s) du périmètre ont déjà un abonnement en cours avec un autre marché.",
        )
    return redirect("subscriptions:contract_detail", pk=contract.pk)


def contract_dwellings(request, pk):
    """The contract's dwellings and their current status: the template of an operator's report."""
    contract = visible_contract(request, pk)
    if not (request.user.has_role(contract.landlord_id) or request.user.has_role(contract.operator_id)):
        raise PermissionDenied
    rows = (
        Subscription.objects.filter(contract=contract)
        .select_related("lodging", "lodging__residence")
        .order_by("lodging__rpls_id")
    )
    columns = [
        ("IDENT_REP", lambda s: s.lodging.rpls_id),
        ("STATUT", lambda s: s.get_status_display().lower()),
        ("DATE_EFFET", lambda s: s.status_date),
        ("NUMERO_SERIE", lambda s: s.box_serial),
        ("MOTIF", lambda s: ""),
        ("RESIDENCE", lambda s: s.lodging.residence.name),
        ("ADRESSE", lambda s: s.lodging.address),
    ]
    content = xlsx_bytes([("Logements", columns, rows.iterator(chunk_size=2000))])
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="logements-{slugify(contract.reference)}.xlsx"'
    return response


def report_upload(request, pk):
    from ..reports import apply_report

    contract = visible_contract(request, pk)
    require_editor(request.user, contract.operator_id)
    form = ReportUploadForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        if contract.state != ContractState.ACTIVE:
            messages.error(request, "Ce marché n'est pas en cours : il ne reçoit plus de rapport.")
            return redirect("subscriptions:contract_detail", pk=contract.pk)
        upload = form.cleaned_data["file"]
        outcome = apply_report(contract=contract, upload=upload, file_name=upload.name, by=request.user)
        if outcome.ok:
            report = outcome.report
            messages.success(
                request,
                f"Rapport enregistré : {report.changed_count} changement{'s' if report.changed_count > 1 else ''}, "
                f"{report.unchanged_count} ligne{'s' if report.unchanged_count > 1 else ''} sans changement.",
            )
            return redirect(report)
    return render(request, "subscriptions/report_upload.html", {"contract": contract, "form": form, "outcome": outcome})


def report_detail(request, pk):
    report = get_object_or_404(
        OperatorReport.objects.visible_to(request.user).select_related("contract", "contract__landlord", "uploaded_by"),
        pk=pk,
    )
    events = (
        SubscriptionEvent.objects.filter(report=report)
        .select_related("subscription__lodging", "subscription__lodging__residence", "contested_by")
        .order_by("line")
    )
    return render(
        request,
        "subscriptions/report_detail.html",
        {
            "report": report,
            "contract": report.contract,
            "page": page_of(request, events),
            "contested": events.filter(contested_at__isnull=False).count(),
            "can_contest": may_edit(request.user, report.contract.landlord_id),
            "contest_form": ContestForm(),
        },
    )


@require_POST
def event_contest(request, pk):
    event = get_object_or_404(
        SubscriptionEvent.objects.visible_to(request.user).select_related("subscription__contract", "report"), pk=pk
    )
    require_editor(request.user, event.subscription.contract.landlord_id)
    back = event.report.get_absolute_url() if event.report_id else event.subscription.get_absolute_url()
    form = ContestForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect(back)
    try:
        with transaction.atomic():
            locked = SubscriptionEvent.objects.select_for_update().select_related("subscription__lodging").get(pk=pk)
            locked.contest(by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            f"Ligne contestée : « {locked.get_status_display()} » au {locked.effective_date:%d/%m/%Y} ne compte plus "
            f"pour le logement {locked.subscription.lodging.rpls_id}.",
        )
    return redirect(back)


@require_POST
def invoice_add(request, pk):
    contract = visible_contract(request, pk)
    require_editor(request.user, contract.landlord_id)
    form = InvoiceForm(request.POST, contract=contract)
    if form.is_valid():
        invoice = form.save(commit=False)
        invoice.contract, invoice.recorded_by = contract, request.user
        try:
            with transaction.atomic():
                invoice.save()
        except IntegrityError:
            messages.error(request, f"La facture de {invoice.month:%m/%Y} vient d'être saisie par quelqu'un d'autre.")
        else:
            messages.success(request, f"Facture {invoice.reference} de {invoice.month:%m/%Y} enregistrée.")
    else:
        form_errors_to_messages(request, form)
    return redirect("subscriptions:contract_detail", pk=contract.pk)


@require_POST
def invoice_delete(request, pk):
    invoice = get_object_or_404(OperatorInvoice.objects.visible_to(request.user).select_related("contract"), pk=pk)
    require_editor(request.user, invoice.contract.landlord_id)
    invoice.delete()
    messages.success(request, f"Facture {invoice.reference} supprimée.")
    return redirect("subscriptions:contract_detail", pk=invoice.contract_id)
