"""The rollout in the open data: a contract's OCDS `implementation.milestones` (domain.md §8).

`operators/releases.py` owns the releases; subscriptions registers `implementation(contract)`
(registrations.py) and records the release events themselves, immutable like every release:
- when a rollout starts (rollout.py, once its transaction is committed): the contract's first is
  tagged "implementation", the next ones "implementationUpdate";
- every month (deadlines.py), at most one per running contract: the month's counts.
A contract whose tender was never published has no releases, hence none of these either.

Counts for the whole contract only (planned, equipped, active): never a dwelling, an IDENT_REP
or one dwelling's dates. The contract's perimeter, a few residences, is public already.
"""

import datetime

from django.db.models import Exists, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone

from operators.models import Contract, ContractState, Release
from operators.releases import record_release, stamp

from .models import Rollout, Subscription, SubscriptionEvent, SubscriptionStatus

TAGS = ("implementation", "implementationUpdate")
S = SubscriptionStatus


def implementation(contract):
    """The contract's OCDS `implementation`: three delivery milestones, or None before any rollout."""
    counts = Subscription.objects.filter(contract=contract).funnel()
    total = sum(counts.values())
    if not total:
        return None
    in_plan = total - counts[S.TERMINATED]
    waiting = counts[S.PLANNED]
    equipped = counts[S.INSTALLED] + counts[S.ACTIVE] + counts[S.SUSPENDED]
    active = counts[S.ACTIVE]
    started = Rollout.objects.filter(contract=contract).aggregate(first=Min("effective_date"))["first"]
    now = stamp(timezone.now())
    boxes_met = in_plan > 0 and waiting == 0
    service_met = in_plan > 0 and active == in_plan
    return {
        "milestones": [
            {
                "id": "deploiement",
                "code": "rollout",
                "type": "delivery",
                "title": "Lancement du déploiement",
                "description": (
                    f"Déploiement lancé{f' le {started:%d/%m/%Y}' if started else ''} : {dwellings(total)} "
                    "du périmètre inscrits au plan, un abonnement chacun."
                ),
                "status": "met",
                "dateMet": stamp(started),
                "dateModified": now,
            },
            {
                "id": "box-installees",
                "code": "equipment",
                "type": "delivery",
                "title": "Box installées",
                "description": (
                    f"{dwellings(equipped)} sur {in_plan} équipés d'une box (installée, service actif ou "
                    f"suspendu) ; {waiting} encore à équiper"
                    + (f" ; {counts[S.TERMINATED]} abonnement(s) résilié(s)." if counts[S.TERMINATED] else ".")
                ),
                "status": progress(equipped, boxes_met),
                "dateMet": stamp(last_first_reach(contract, [S.INSTALLED, S.ACTIVE])) if boxes_met else None,
                "dateModified": now,
            },
            {
                "id": "service-actif",
                "code": "service",
                "type": "delivery",
                "title": "Service internet actif",
                "description": (
                    f"{dwellings(active)} sur {in_plan} avec le service actif ; {counts[S.INSTALLED]} installé(s) "
                    f"en attente d'activation ; {counts[S.SUSPENDED]} suspendu(s)."
                ),
                "status": progress(active, service_met),
                "dateMet": stamp(live(contract).aggregate(day=Max("status_date"))["day"]) if service_met else None,
                "dateModified": now,
            },
        ]
    }


def dwellings(count):
    return f"{count} logement{'s' if count > 1 else ''}"


def progress(done, met):
    """OCDS milestoneStatus (closed codelist): evaluated now, hence never "scheduled"."""
    if met:
        return "met"
    return "partiallyMet" if done else "notMet"


def live(contract):
    return Subscription.objects.filter(contract=contract).exclude(status=S.TERMINATED)


def last_first_reach(contract, statuses):
    """The day the last dwelling still in the plan first reached one of `statuses` (uncontested events)."""
    first = (
        SubscriptionEvent.objects.effective()
        .filter(subscription=OuterRef("pk"), status__in=statuses)
        .order_by("effective_date")
        .values("effective_date")[:1]
    )
    return live(contract).annotate(reached=Subquery(first)).aggregate(day=Max("reached"))["day"]


def record_implementation(contract):
    """Store an implementation release of `contract` (its tender's releases go on), or None when the
    tender has no published release or the contract no subscription yet."""
    releases = Release.objects.filter(tender_id=contract.tender_id)
    if not releases.published().exists() or not Subscription.objects.filter(contract=contract).exists():
        return None
    tag = "implementationUpdate" if releases.filter(tag__in=TAGS).exists() else "implementation"
    return record_release(tender=contract.tender, tag=tag, contract=contract)


def due_this_month(now):
    """Running contracts with subscriptions (a rollout started) and a published tender, without an
    implementation release since the first of `now`'s month (local time): one query, every minute."""
    today = timezone.localdate(now)
    month_start = timezone.make_aware(datetime.datetime.combine(today.replace(day=1), datetime.time.min))
    releases = Release.objects.published().filter(tender=OuterRef("tender"))
    return (
        Contract.objects.filter(state=ContractState.ACTIVE)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .filter(Exists(Subscription.objects.filter(contract=OuterRef("pk"))), Exists(releases))
        .exclude(Exists(releases.filter(tag__in=TAGS, date__gte=month_start)))
        .select_related("tender")
        .order_by("pk")
    )
