"""How the charter's commitment kinds are measured from subscriptions (charter/measures.py).

Each kind has its `one(commitment, day=None)` and its batch `many(commitments)`, the latter with a
constant number of queries whatever the number of commitments (the charter's follow-up table).
"""

import datetime
import statistics
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from charter.measures import Measure
from leases.models import Lodging

from .charges import cents, charter_ceilings, div_half_up, euros
from .models import BasisKind, ChargeSetting, Incident, LegalBasis, Subscription, SubscriptionStatus, money

PERCENT, EUROS, HOURS = "%", "€ TTC par mois", "heures"
REPAIR_WINDOW_DAYS = 365


def _plural(n, word):
    return f"{n} {word}{'s' if n > 1 else ''}"


# subscribed_share: share of the landlord's dwellings in the QPV with an active subscription.


def _share(active, total, day):
    if not total:
        return Measure(None, PERCENT, day, "Aucun logement de ce bailleur n'est enregistré dans ce QPV.")
    return Measure(
        Decimal(100 * active) / Decimal(total),
        PERCENT,
        day,
        f"{_plural(active, 'logement')} avec un abonnement actif sur {total}",
    )


def subscribed_share(commitment, day=None):
    lodgings = Lodging.objects.in_stock().filter(
        landlord_id=commitment.signature.organization_id, qpv_id=commitment.qpv_id
    )
    subscriptions = Subscription.objects.filter(lodging__in=lodgings)
    if day is None:
        active = subscriptions.filter(status=SubscriptionStatus.ACTIVE)
        day = timezone.localdate()
    else:
        active = subscriptions.active_on(day)
    return _share(active.values("lodging").distinct().count(), lodgings.count(), day)


def subscribed_shares(commitments):
    landlords = {c.signature.organization_id for c in commitments}
    qpvs = {c.qpv_id for c in commitments if c.qpv_id}
    totals = {
        (r["landlord_id"], r["qpv_id"]): r["n"]
        for r in Lodging.objects.in_stock()
        .filter(landlord_id__in=landlords, qpv_id__in=qpvs)
        .values("landlord_id", "qpv_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    actives = {
        (r["lodging__landlord_id"], r["lodging__qpv_id"]): r["n"]
        for r in Subscription.objects.filter(
            status=SubscriptionStatus.ACTIVE,
            lodging__exit_reason="",
            lodging__landlord_id__in=landlords,
            lodging__qpv_id__in=qpvs,
        )
        .values("lodging__landlord_id", "lodging__qpv_id")
        .annotate(n=Count("lodging", distinct=True))
        .order_by()
    }
    today = timezone.localdate()
    result = {}
    for c in commitments:
        key = (c.signature.organization_id, c.qpv_id)
        result[c.pk] = _share(actives.get(key, 0), totals.get(key, 0), today)
    return result


# tenant_charge_ceiling: the highest full-month amount tenants are charged now.


def charged_amounts(landlord_ids, day):
    """{landlord: [(monthly amount in cents, residence name)]}: residences whose tenants are charged on
    `day` (a legal basis covering the day, a setting, an active subscription), with the monthly amount
    after the ceiling. Five queries whatever the number of landlords."""
    pairs = list(
        Subscription.objects.filter(status=SubscriptionStatus.ACTIVE, contract__landlord_id__in=landlord_ids)
        .values_list(
            "lodging__residence_id",
            "lodging__residence__name",
            "contract__landlord_id",
            "contract__unit_price_ht",
            "contract__vat_rate",
        )
        .distinct()
    )
    residences = {p[0] for p in pairs}
    covered = set(
        LegalBasis.objects.in_force_on(day).filter(residence_id__in=residences).values_list("residence_id", flat=True)
    )
    settings = {}
    for residence_id, share in (
        ChargeSetting.objects.filter(residence_id__in=residences, valid_from__lte=day)
        .order_by("valid_from")
        .values_list("residence_id", "landlord_share_percent")
    ):
        settings[residence_id] = share
    ceilings = charter_ceilings(set(landlord_ids), [day])
    result = defaultdict(list)
    for residence_id, name, landlord_id, price_ht, vat in pairs:
        if residence_id not in covered or residence_id not in settings:
            continue
        unit = cents(price_ht * (1 + vat / 100))
        amount = div_half_up(unit * int((100 - settings[residence_id]) * 100), 10_000)
        ceiling = ceilings[landlord_id][0]
        result[landlord_id].append((min(amount, ceiling) if ceiling is not None else amount, name))
    return result


def _ceiling_measure(amounts, day):
    if not amounts:
        return Measure(None, EUROS, day, "Aucun locataire n'est encore facturé.")
    amount, name = max(amounts)
    return Measure(euros(amount), EUROS, day, f"Montant mensuel le plus élevé facturé : {name}")


def charge_ceiling(commitment, day=None):
    day = day or timezone.localdate()
    landlord_id = commitment.signature.organization_id
    return _ceiling_measure(charged_amounts([landlord_id], day).get(landlord_id, []), day)


def charge_ceilings(commitments):
    day = timezone.localdate()
    found = charged_amounts({c.signature.organization_id for c in commitments}, day)
    return {c.pk: _ceiling_measure(found.get(c.signature.organization_id, []), day) for c in commitments}


# legal_basis: the basis in force in the residence.


def _basis_measure(basis, day):
    if basis is None:
        return Measure(None, "", day, "Aucune base juridique en vigueur dans cette résidence.")
    kind, since = basis
    return Measure(kind, "", day, f"{BasisKind(kind).label}, depuis le {since:%d/%m/%Y}")


def legal_basis(commitment, day=None):
    day = day or timezone.localdate()
    basis = (
        LegalBasis.objects.in_force_on(day)
        .filter(residence_id=commitment.residence_id)
        .values_list("kind", "effective_from")
        .first()
    )
    return _basis_measure(basis, day)


def legal_bases(commitments):
    day = timezone.localdate()
    found = {
        residence_id: (kind, since)
        for residence_id, kind, since in LegalBasis.objects.in_force_on(day)
        .filter(residence_id__in={c.residence_id for c in commitments})
        .values_list("residence_id", "kind", "effective_from")
    }
    return {c.pk: _basis_measure(found.get(c.residence_id), day) for c in commitments}


# repair_delay: the operator's longest repair delay over the last twelve months.


def repair_delays(operator_ids, day=None):
    """{operator: [hours]} for the incidents reported in the twelve months up to `day` (an open
    incident counts with the hours elapsed so far)."""
    now = timezone.now() if day is None else timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
    since = now - datetime.timedelta(days=REPAIR_WINDOW_DAYS)
    rows = Incident.objects.filter(
        subscription__contract__operator_id__in=operator_ids, reported_at__gte=since, reported_at__lte=now
    ).values_list("subscription__contract__operator_id", "reported_at", "resolved_at")
    result = defaultdict(list)
    for operator_id, reported_at, resolved_at in rows:
        end = resolved_at if resolved_at and resolved_at <= now else now
        result[operator_id].append((end - reported_at).total_seconds() / 3600)
    return result


def _delay_measure(hours, day):
    if not hours:
        return Measure(None, HOURS, day, "Aucune panne signalée sur les douze derniers mois.")
    longest, median = max(hours), statistics.median(hours)
    return Measure(
        money(Decimal(str(round(longest, 2)))),
        HOURS,
        day,
        f"Délai le plus long sur {_plural(len(hours), 'panne')} en douze mois ; médiane {round(median)} h",
    )


def repair_delay(commitment, day=None):
    operator_id = commitment.signature.organization_id
    return _delay_measure(repair_delays([operator_id], day).get(operator_id, []), day or timezone.localdate())


def repair_delays_many(commitments):
    found = repair_delays({c.signature.organization_id for c in commitments})
    today = timezone.localdate()
    return {c.pk: _delay_measure(found.get(c.signature.organization_id, []), today) for c in commitments}
