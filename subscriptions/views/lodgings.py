"""One dwelling's subscriptions: the panel on the stock's dwelling page (accounts.registry detail
panels), a status recorded by hand, incidents reported and resolved."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.transitions import run_transition, user_may

from ..forms import ContestForm, IncidentForm, ResolveForm, StatusForm
from ..models import EventSource, Incident, Subscription, SubscriptionEvent, may_edit
from .common import form_errors_to_messages


def visible_subscription(request, pk):
    return get_object_or_404(
        Subscription.objects.visible_to(request.user).select_related(
            "contract", "contract__landlord", "contract__operator", "lodging"
        ),
        pk=pk,
    )


def side_of(user, contract):
    """Incident.Side of the user on this contract (landlord first), None if it may not act."""
    if may_edit(user, contract.landlord_id):
        return Incident.Side.LANDLORD
    if may_edit(user, contract.operator_id):
        return Incident.Side.OPERATOR
    return None


def lodging_panel(request, lodging):
    """The subscriptions and incidents of a dwelling, for whoever sees its page (detail panel)."""
    user = request.user
    subscriptions = list(
        Subscription.objects.visible_to(user)
        .filter(lodging=lodging)
        .select_related("contract", "contract__operator")
        .order_by("-created_at")
    )
    if not subscriptions:
        return None
    events = (
        SubscriptionEvent.objects.filter(subscription__in=subscriptions)
        .select_related("recorded_by", "report", "contested_by")
        .order_by("subscription_id", "-effective_date", "-recorded_at", "-pk")
    )
    incidents = Incident.objects.filter(subscription__in=subscriptions).select_related("reported_by", "resolved_by")
    by_subscription = {s.pk: s for s in subscriptions}
    for subscription in subscriptions:
        subscription.history, subscription.incident_list = [], []
        subscription.side = side_of(user, subscription.contract)
        subscription.can_contest = may_edit(user, subscription.contract.landlord_id)
    for event in events:
        by_subscription[event.subscription_id].history.append(event)
    for incident in incidents:
        incident.can_resolve = incident.state == Incident.State.REPORTED and user_may(incident, "resolve", user)
        by_subscription[incident.subscription_id].incident_list.append(incident)
    is_member = user.has_role(lodging.landlord_id)
    return {
        "subscriptions": subscriptions,
        "charges": this_months_charges(lodging) if is_member else [],
        "is_member": is_member,
        "status_form": StatusForm(initial={"effective_date": timezone.localdate()}),
        "incident_form": IncidentForm(),
        "contest_form": ContestForm(),
    }


def this_months_charges(lodging):
    """The lease lines of the current month for this dwelling (lease references: members only)."""
    from leases.models import Lease, Lodging

    from ..charges import Charges, euros, months_between

    today = timezone.localdate()
    month = months_between(today, today)[0]
    lines = [
        line
        for lines in Charges(Lodging.objects.filter(pk=lodging.pk), month.first, month.last).lease_months().values()
        for line in lines
    ]
    references = dict(Lease.objects.filter(pk__in=[line.lease_id for line in lines]).values_list("pk", "reference"))
    return [
        {
            "month": month.first,
            "lease": references[line.lease_id],
            "days": line.chargeable_days,
            "month_days": month.days,
            "monthly": euros(line.monthly_amount),
            "amount": euros(line.provision),
        }
        for line in lines
    ]


@require_POST
def subscription_record(request, pk):
    """A status recorded by hand by the landlord or the operator (a dated event, like a report's line)."""
    subscription = visible_subscription(request, pk)
    side = side_of(request.user, subscription.contract)
    if side is None:
        raise PermissionDenied
    form = StatusForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect(subscription)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            locked = Subscription.objects.select_for_update().select_related("contract", "lodging").get(pk=pk)
            event = locked.record(
                status=data["status"],
                effective_date=data["effective_date"],
                by=request.user,
                source=EventSource.LANDLORD if side == Incident.Side.LANDLORD else EventSource.OPERATOR,
                reason=data["reason"],
            )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, f"Statut « {event.get_status_display()} » enregistré au {event.effective_date:%d/%m/%Y}."
        )
    return redirect(subscription)


def incident_report(request, pk):
    subscription = visible_subscription(request, pk)
    side = side_of(request.user, subscription.contract)
    if side is None:
        raise PermissionDenied
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        incident = form.save(commit=False)
        incident.subscription, incident.reported_by, incident.reporter_side = subscription, request.user, side
        incident.save()
        messages.success(request, "Panne signalée : le délai de rétablissement court depuis l'heure indiquée.")
        return redirect(subscription)
    return render(
        request,
        "subscriptions/incident_form.html",
        {"form": form, "subscription": subscription, "lodging": subscription.lodging, "title": "Signaler une panne"},
    )


def incident_resolve(request, pk):
    incident = get_object_or_404(
        Incident.objects.visible_to(request.user).select_related("subscription__contract", "subscription__lodging"),
        pk=pk,
    )
    if not user_may(incident, "resolve", request.user):
        raise PermissionDenied
    if incident.state != Incident.State.REPORTED:
        messages.info(request, "Cette panne est déjà résolue.")
        return redirect(incident)
    form = ResolveForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_transition(
            request,
            incident,
            "resolve",
            resolved_at=form.cleaned_data["resolved_at"],
            resolution=form.cleaned_data["resolution"],
            success="Panne résolue.",
        )
    ):
        return redirect(incident)
    return render(
        request,
        "subscriptions/incident_form.html",
        {
            "form": form,
            "incident": incident,
            "subscription": incident.subscription,
            "lodging": incident.subscription.lodging,
            "title": "Rétablissement du service",
        },
    )
