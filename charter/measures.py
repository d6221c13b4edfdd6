"""Extension point: how a commitment kind is measured from live data (never typed in).

The charter app owns this registry; an app above it (subscriptions, operators) registers the
kinds it knows how to measure in its AppConfig.ready(). The charter app never imports them
(style.md, "Dependencies point one way").

    from charter.measures import Measure, register_measure

    def charge_ceiling(commitment, day=None):
        # commitment.signature.organization is the landlord; commitment.qpv / .residence its scope.
        amount = ...  # the highest monthly amount charged to a tenant today (or on `day`)
        return Measure(value=amount, unit="€ TTC par mois", as_of=day or timezone.localdate())

    register_measure("tenant_charge_ceiling", charge_ceiling)

- `func(commitment, day=None) -> Measure | None`: the value now (`day=None`) or as it stood on
  `day` (used once, when the commitment comes into force, for its value at signature; return
  None when the past cannot be replayed).
- `many(commitments) -> {commitment.pk: Measure | None}` (optional): the current values of many
  commitments at once, so that list pages keep a constant number of queries.
- Measure.value: a number (Decimal, int, float) for numeric kinds, a choice code for choice kinds
  (legal basis), a bool for declarations (True: in place); None when there is no data yet.

Until a kind has a measure, its commitments show « mesurable après le déploiement ».
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone


@dataclass(frozen=True)
class Measure:
    value: object
    unit: str = ""
    as_of: datetime.date | None = None
    source: str = ""  # what was counted, in French, shown under the value ("68 logements équipés sur 180")


@dataclass(frozen=True)
class MeasureFuncs:
    one: object
    many: object = None


_measures: dict[str, MeasureFuncs] = {}


def register_measure(kind_code, func, *, many=None):
    """Measure the commitments of kind `kind_code` with `func` (and `many` for lists)."""
    _measures[kind_code] = MeasureFuncs(func, many)


def is_measurable(kind_code):
    return kind_code in _measures


def measure_of(commitment, day=None):
    funcs = _measures.get(commitment.kind.code)
    return funcs.one(commitment, day) if funcs else None


def measures_of(commitments):
    """{commitment.pk: Measure | None} for the current values, batched per kind where possible."""
    by_kind = {}
    for commitment in commitments:
        by_kind.setdefault(commitment.kind.code, []).append(commitment)
    result = {}
    for code, group in by_kind.items():
        funcs = _measures.get(code)
        if funcs is None:
            result.update(dict.fromkeys((c.pk for c in group), None))
        elif funcs.many:
            found = funcs.many(group)
            result.update({c.pk: found.get(c.pk) for c in group})
        else:
            result.update({c.pk: funcs.one(c, None) for c in group})
    return result


# The one kind this app measures itself: the housing stock lives in `leases`, below us.


def _share_measure(equipped, total, day):
    if not total:
        return Measure(None, "%", day, "Aucun logement de ce bailleur n'est enregistré dans ce QPV.")
    share = Decimal(100 * equipped) / Decimal(total)
    return Measure(
        share,
        "%",
        day,
        f"{equipped} logement{'s' if equipped > 1 else ''} équipé{'s' if equipped > 1 else ''} d'une box sur {total}",
    )


def equipped_share(commitment, day=None):
    """Share of the landlord's dwellings in the commitment's QPV with a box (leases: dated equipment events)."""
    from leases.models import Lodging

    lodgings = Lodging.objects.filter(landlord_id=commitment.signature.organization_id, qpv_id=commitment.qpv_id)
    if day is None:
        counts = lodgings.counts()
        return _share_measure(counts["equipped"], counts["total"], timezone.localdate())
    share = lodgings.equipped_share_on(day)
    return Measure(None if share is None else Decimal(str(share)), "%", day)


def equipped_shares(commitments):
    """The same as equipped_share(c) for many commitments, in one grouped query."""
    from django.db.models import Count, Q

    from leases.models import EquipmentStatus, Lodging

    landlords = {c.signature.organization_id for c in commitments}
    qpvs = {c.qpv_id for c in commitments if c.qpv_id}
    # Same counting as LodgingQuerySet.counts(): dwellings in stock, equipped = a box installed.
    rows = (
        Lodging.objects.in_stock()
        .filter(landlord_id__in=landlords, qpv_id__in=qpvs)
        .values("landlord_id", "qpv_id")
        .annotate(total=Count("pk"), equipped=Count("pk", filter=Q(equipment_status=EquipmentStatus.BOX)))
        .order_by()
    )
    counts = {(r["landlord_id"], r["qpv_id"]): (r["equipped"], r["total"]) for r in rows}
    today = timezone.localdate()
    return {
        c.pk: _share_measure(*counts.get((c.signature.organization_id, c.qpv_id), (0, 0)), today) for c in commitments
    }


def register_builtin_measures():
    register_measure("equipped_share", equipped_share, many=equipped_shares)
