"""The housing stock pages: lodging and residence lists, their pages, equipment and exits.

Who sees what (Lodging.objects.visible_to): a landlord's members its own stock; city and State
staff the stock in their communes, read-only; operators what a higher app registers for them.
Lease references are pseudonymous personal data: shown to the landlord's members only.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Kind, Role

from ..filters import LodgingFilter, ResidenceFilter
from ..forms import EquipmentForm, ExitForm
from ..models import EquipmentStatus, Lease, Lodging, Residence, StockStateError
from ..tables import LodgingTable, ResidenceTable, UnmatchedResidenceTable

PER_PAGE = 50
MAX_SELECTION = 5000


def editable_landlord_ids(user):
    """The landlords whose stock `user` may change (admin or member; a viewer only reads)."""
    return {
        m.organization_id
        for m in user.memberships_cached
        if m.organization.kind == Kind.LANDLORD and m.role in (Role.ADMIN, Role.MEMBER)
    }


def configure(table, request, per_page=PER_PAGE):
    """Sort from `?sort=`, then paginate from `?page=` (a wrong page shows the first or the last)."""
    sort = request.GET.getlist(table.prefixed_order_by_field)
    if sort:
        table.order_by = sort
    try:
        table.paginate(page=request.GET.get(table.prefixed_page_field, 1), per_page=per_page)
    except PageNotAnInteger:
        table.page = table.paginator.page(1)
    except EmptyPage:
        table.page = table.paginator.page(table.paginator.num_pages)
    return table


def lodging_list(request, bulk_form=None, selected=()):
    user = request.user
    queryset = Lodging.objects.visible_to(user).select_related("residence", "qpv", "landlord").with_occupancy()
    filterset = LodgingFilter(request.GET, queryset=queryset, request=request)
    lodgings = filterset.qs
    editable = editable_landlord_ids(user)
    exclude = []
    if not editable:
        exclude.append("select")
    if not user.has_territory:
        exclude.append("landlord")
    if filterset.form.cleaned_data.get("stock") not in ("left", "all"):
        exclude.append("exit_reason")
    table = LodgingTable(lodgings, editable_landlords=editable, selected=selected, exclude=exclude)
    configure(table, request)
    context = {
        "filter": filterset,
        "table": table,
        "can_edit": bool(editable),
        "bulk_form": bulk_form or EquipmentForm(),
        "query": request.GET.urlencode(),
    }
    return render(request, "leases/lodging_list.html", context)


@require_POST
def lodging_equipment_bulk(request):
    """Record one equipment status, at one date, on the dwellings ticked in the list.

    Applied to the selected dwellings the user may edit (its landlords', still in the stock), in
    one transaction, with a few statements whatever the selection's size.
    """
    user = request.user
    ids = [int(value) for value in request.POST.getlist("lodgings") if value.isdigit()]
    visible = Lodging.objects.visible_to(user).filter(pk__in=ids[:MAX_SELECTION])
    if ids and not visible.exists():
        raise Http404
    if not editable_landlord_ids(user):
        raise PermissionDenied
    back = reverse("leases:lodging_list") + (f"?{request.GET.urlencode()}" if request.GET else "")
    if not ids:
        messages.error(request, "Cochez au moins un logement dans la liste avant d'enregistrer l'équipement.")
        return redirect(back)
    if len(ids) > MAX_SELECTION:
        messages.error(request, f"Sélectionnez au plus {MAX_SELECTION} logements à la fois.")
        return redirect(back)
    form = EquipmentForm(request.POST)
    if not form.is_valid():
        return lodging_list(request, bulk_form=form, selected=set(ids))
    status, day = form.cleaned_data["status"], form.cleaned_data["effective_date"]
    with transaction.atomic():
        # Rows locked so that two people equipping the same dwellings cannot leave a stale status.
        targets = list(visible.editable_by(user).in_stock().select_for_update().values_list("pk", flat=True))
        count = Lodging.objects.filter(pk__in=targets).record_equipment(status=status, effective_date=day, by=user)
    label = EquipmentStatus(status).label
    if count:
        messages.success(
            request, f"{count} logement{'s' if count > 1 else ''} : « {label} » enregistré au {day:%d/%m/%Y}."
        )
    skipped = len(set(ids)) - count
    if skipped:
        messages.warning(
            request,
            f"{skipped} logement{'s' if skipped > 1 else ''} ignoré{'s' if skipped > 1 else ''} : "
            "sorti du parc ou hors du parc que vous pouvez modifier.",
        )
    return redirect(back)


def lodging_page(request, lodging, equipment_form=None, exit_form=None):
    user = request.user
    is_member = user.has_role(lodging.landlord)
    can_edit = user.can_edit_for(lodging.landlord)
    today = timezone.localdate()
    events = lodging.equipment_events.select_related("recorded_by")
    # Belt and braces: Lease.objects.visible_to already returns nothing to non-members.
    leases = list(Lease.objects.visible_to(user).filter(lodging=lodging).order_by("-start")) if is_member else []
    context = {
        "lodging": lodging,
        "residence": lodging.residence,
        "is_member": is_member,
        "can_edit": can_edit,
        "events": events,
        "leases": leases,
        "current_lease": next((lease for lease in leases if lease.is_current(today)), None),
        "is_let": Lease.objects.current_on(today).filter(lodging=lodging).exists(),
        "equipment_form": equipment_form or EquipmentForm(),
        "exit_form": exit_form or ExitForm(),
    }
    return render(request, "leases/lodging_detail.html", context)


def visible_lodging(request, pk):
    return get_object_or_404(
        Lodging.objects.visible_to(request.user).select_related("residence", "qpv", "landlord"), pk=pk
    )


def lodging_detail(request, pk):
    return lodging_page(request, visible_lodging(request, pk))


@require_POST
def lodging_equipment(request, pk):
    """Record what one dwelling has from a given day (a dated event; the status is derived)."""
    lodging = visible_lodging(request, pk)
    if not request.user.can_edit_for(lodging.landlord):
        raise PermissionDenied
    if not lodging.in_stock:
        messages.error(request, "Ce logement est sorti du parc : son équipement ne peut plus être modifié.")
        return redirect(lodging)
    form = EquipmentForm(request.POST)
    if not form.is_valid():
        return lodging_page(request, lodging, equipment_form=form)
    with transaction.atomic():
        locked = Lodging.objects.select_for_update().get(pk=lodging.pk)
        locked.record_equipment(
            status=form.cleaned_data["status"], effective_date=form.cleaned_data["effective_date"], by=request.user
        )
    messages.success(
        request,
        f"Équipement enregistré : « {EquipmentStatus(form.cleaned_data['status']).label} » "
        f"au {form.cleaned_data['effective_date']:%d/%m/%Y}.",
    )
    return redirect(lodging)


@require_POST
def lodging_exit(request, pk):
    """Mark the dwelling as having left the stock (sold, demolished…): it stays on record."""
    lodging = visible_lodging(request, pk)
    if not request.user.can_edit_for(lodging.landlord):
        raise PermissionDenied
    if not lodging.in_stock:
        messages.error(request, "Ce logement est déjà sorti du parc.")
        return redirect(lodging)
    form = ExitForm(request.POST)
    if not form.is_valid():
        return lodging_page(request, lodging, exit_form=form)
    try:
        with transaction.atomic():
            locked = Lodging.objects.select_for_update().get(pk=lodging.pk)
            locked.leave_stock(reason=form.cleaned_data["reason"], on=form.cleaned_data["exited_on"])
    except StockStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Le logement {lodging.rpls_id} est marqué « {locked.get_exit_reason_display()} ».")
    return redirect(lodging)


@require_POST
def lodging_return(request, pk):
    """Undo the exit: the dwelling is back in the stock."""
    lodging = visible_lodging(request, pk)
    if not request.user.can_edit_for(lodging.landlord):
        raise PermissionDenied
    try:
        with transaction.atomic():
            Lodging.objects.select_for_update().get(pk=lodging.pk).return_to_stock()
    except StockStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Le logement {lodging.rpls_id} est de nouveau dans le parc.")
    return redirect(lodging)


def residence_list(request):
    user = request.user
    queryset = Residence.objects.visible_to(user).select_related("qpv", "landlord").with_rates()
    filterset = ResidenceFilter(request.GET, queryset=queryset, request=request)
    table = ResidenceTable(filterset.qs, exclude=[] if user.has_territory else ["landlord"])
    configure(table, request)
    return render(request, "leases/residence_list.html", {"filter": filterset, "table": table})


def residence_detail(request, pk):
    user = request.user
    residence = get_object_or_404(Residence.objects.visible_to(user).select_related("qpv", "landlord"), pk=pk)
    lodgings = Lodging.objects.visible_to(user).filter(residence=residence)
    summary = lodgings.summary()
    table = LodgingTable(
        lodgings.in_stock().select_related("residence", "qpv", "landlord").with_occupancy(),
        exclude=["select", "residence", "commune_name", "landlord", "fibre", "exit_reason"],
    )
    table.caption = f"Logements de la résidence {residence.name}"
    configure(table, request)
    total = summary["total"]
    context = {
        "residence": residence,
        "summary": summary,
        "equipped_rate": 100 * summary["equipped"] / total if total else None,
        "outlet_rate": 100 * summary["outlet"] / total if total else None,
        "table": table,
        "can_edit": residence.landlord_id in editable_landlord_ids(user),
        "left_count": lodgings.exclude(exit_reason="").count(),
    }
    return render(request, "leases/residence_detail.html", context)


def residence_unmatched(request):
    """Residences no ARCEP building was matched to: their address needs a look."""
    user = request.user
    queryset = (
        Residence.objects.visible_to(user)
        .filter(fibre_match_confidence__isnull=True)
        .select_related("landlord")
        .order_by("commune_name", "name")
    )
    table = UnmatchedResidenceTable(queryset, exclude=[] if user.has_territory else ["landlord"])
    configure(table, request)
    return render(request, "leases/residence_unmatched.html", {"table": table})


def home_panel_context(request):
    """The stock in figures for the home page: a landlord's own, or a territory's."""
    user = request.user
    summary = Lodging.objects.visible_to(user).summary()
    total = summary["total"]
    return {
        "summary": summary,
        "equipped_rate": 100 * summary["equipped"] / total if total else None,
        "territorial": user.has_territory,
    }
