"""The figures of a dashboard, for one scope (monitoring/scopes.py), filters and period.

`build()` reads everything a dashboard, its xlsx and its PDF show in a fixed number of queries,
whatever the size of the stock: grouped aggregates only, never a query per QPV, landlord or
commitment. Dwellings, QPV and fibre figures of today are read live from the stock (the derived
Lodging.equipment_status), subscriptions from their derived status (sources.py); the months before
this one come from MonthlyStock (history.py).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone

from charter.measures import measures_of
from charter.models import ProgressStatus
from leases.models import FIBRE_READY_STATES, EquipmentStatus
from operators.models import ContractState, TenderState
from tfpb.models import ReportState, ratio

from . import history, sources
from .scopes import CONTRACT_RESIDENCES, TENDER_RESIDENCES

# A dwelling is "in a tender's perimeter" once the tender is published, until it fails.
PERIMETER_TENDER_STATES = [
    TenderState.PUBLISHED,
    TenderState.CLOSED,
    TenderState.OPENED,
    TenderState.EVALUATION,
    TenderState.AWARDED,
    TenderState.CONTRACTED,
]
READY_NAMES_SHOWN = 8  # fibre-ready residences named per QPV; the list behind has them all
# Plain strings: template lookups (`counts.late`) and dict keys must not depend on enum hashing.
COUNTED_STATUSES = (str(ProgressStatus.MET), str(ProgressStatus.ON_TRACK), str(ProgressStatus.LATE))


def status_group(progress):
    """ "met", "on_track", "late", or "other" (not measurable yet, no data)."""
    status = str(progress.status)
    return status if status in COUNTED_STATUSES else "other"


def share(part, whole):
    return 100 * part / whole if whole else None


@lru_cache(maxsize=64)
def _path(name):
    return reverse(name)


def url(name, params=None):
    """The URL of list `name` (no argument) with GET `params`; reversed once per process."""
    base = _path(name)
    params = {k: v for k, v in (params or {}).items() if v not in (None, "")}
    return f"{base}?{urlencode(params)}" if params else base


def residence_url(pk):
    return _path("leases:residence_list") + f"{pk}/"


@dataclass
class StockLine:
    """Today's stock figures of one QPV (or of one landlord, or of everything)."""

    key: object = None
    code: str = ""
    name: str = ""
    dwellings: int = 0
    equipped: int = 0
    outlet: int = 0
    fibre_ready: int = 0
    in_tender: int = 0
    under_contract: int = 0
    subscribed: int = 0  # with a subscription planned or in service (sources.STAGES)
    installed: int = 0
    active: int = 0
    suspended: int = 0
    residences: int = 0
    ready_residences: int = 0
    ready_names: list = field(default_factory=list)
    series: dict = field(default_factory=dict)  # month -> (dwellings, equipped, active) or None
    commitments: dict = field(default_factory=lambda: dict.fromkeys(COUNTED_STATUSES, 0))
    lodging_url: str = ""
    equipped_url: str = ""
    ready_url: str = ""

    @property
    def label(self):
        if not self.code:
            return self.name or "Hors QPV"
        return f"{self.name} ({self.code})"

    @property
    def equipped_rate(self):
        return share(self.equipped, self.dwellings)

    @property
    def active_rate(self):
        return share(self.active, self.dwellings)

    @property
    def more_ready(self):
        return max(0, self.ready_residences - len(self.ready_names))

    def add(self, other):
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


# sources.STAGES by StockLine field
STAGE_FIELDS = {"planned": "subscribed", "installed": "installed", "active": "active", "suspended": "suspended"}
COUNTS = ("dwellings", "equipped", "outlet", "fibre_ready", "in_tender", "under_contract", *STAGE_FIELDS.values())


@dataclass
class Dashboard:
    scope: object
    qpv: object
    landlord: object
    period: object
    today: StockLine
    by_qpv: list
    by_landlord: list
    months: list
    total_series: dict
    headline: dict
    commitments: list
    commitment_counts: dict
    tenders: list
    contracts: list
    tfpb: dict | None
    funnel: list
    history_state: object
    links: dict


def _stock(scope, lodgings, qpv, landlord):
    """Today's stock per QPV and per landlord, in three queries whatever the size of the stock.

    Fibre, tenders and contracts belong to residences: the dwellings are counted per residence
    (one grouped scan of the dwellings), the residences carry their flags (one query on the much
    smaller residence table), and Python adds them up per QPV and per landlord. Subscriptions are
    counted per QPV and landlord in a third query (sources.by_group).
    Returns ({qpv_id: StockLine}, {landlord_id: StockLine}).
    """
    counts = {
        "dwellings": Count("pk"),
        "equipped": Count("pk", filter=Q(equipment_status=EquipmentStatus.BOX)),
        "outlet": Count("pk", filter=Q(equipment_status__in=[EquipmentStatus.OUTLET, EquipmentStatus.BOX])),
    }
    rows = (
        lodgings.in_stock()
        .values("qpv_id", "qpv__code", "qpv__name", "landlord_id", "residence_id")
        .annotate(**counts)
        .order_by()
    )
    tender_here = TENDER_RESIDENCES.objects.filter(
        residence_id=OuterRef("pk"), tender__state__in=PERIMETER_TENDER_STATES
    )
    contract_here = CONTRACT_RESIDENCES.objects.filter(
        residence_id=OuterRef("pk"), contract__state=ContractState.ACTIVE
    )
    residences = {
        r["pk"]: r
        for r in scope.narrow_stock(scope.residences(), qpv, landlord)
        .annotate(in_tender=Exists(tender_here), under_contract=Exists(contract_here))
        .values("pk", "name", "qpv_id", "commune_name", "fibre_state", "landlord__name", "in_tender", "under_contract")
        .order_by()
    }
    by_qpv, by_landlord, names = {}, {}, {}
    for residence in residences.values():
        names.setdefault(residence["landlord__name"], None)
    for row in rows:
        residence = residences.get(row["residence_id"], {})
        n = row["dwellings"]
        flags = {
            "fibre_ready": n if residence.get("fibre_state") in FIBRE_READY_STATES else 0,
            "in_tender": n if residence.get("in_tender") else 0,
            "under_contract": n if residence.get("under_contract") else 0,
        }
        line = by_qpv.get(row["qpv_id"])
        if line is None:
            line = by_qpv[row["qpv_id"]] = StockLine(
                key=row["qpv_id"], code=row["qpv__code"] or "", name=row["qpv__name"] or ""
            )
        owner = by_landlord.get(row["landlord_id"])
        if owner is None:
            owner = by_landlord[row["landlord_id"]] = StockLine(
                key=row["landlord_id"], name=residence.get("landlord__name", "")
            )
        for target in (line, owner):
            target.dwellings += n
            target.equipped += row["equipped"]
            target.outlet += row["outlet"]
            target.fibre_ready += flags["fibre_ready"]
            target.in_tender += flags["in_tender"]
            target.under_contract += flags["under_contract"]
    for (qpv_id, landlord_id), stages in sources.by_group(scope, qpv, landlord).items():
        for target in (by_qpv.get(qpv_id), by_landlord.get(landlord_id)):
            if target is None:  # not in the scope's stock (cannot happen: the same dwellings)
                continue
            for stage, count in stages.items():
                name = STAGE_FIELDS[stage]
                setattr(target, name, getattr(target, name) + count)
    # Residences per QPV, and the names of the fibre-ready ones (first few by name).
    for residence in sorted(residences.values(), key=lambda r: (r["name"], r["pk"])):
        if residence["qpv_id"] is None:
            continue
        line = by_qpv.get(residence["qpv_id"])
        if line is None:
            continue
        line.residences += 1
        if residence["fibre_state"] in FIBRE_READY_STATES:
            line.ready_residences += 1
            if len(line.ready_names) < READY_NAMES_SHOWN:
                line.ready_names.append({**residence, "url": residence_url(residence["pk"])})
    return by_qpv, by_landlord


def _history(scope, qpv, landlord, period, state):
    """{(month, qpv_id or None): (dwellings, equipped, active)} of the closed months of the period,
    and the set of months known (computed) among them: one query on MonthlyStock, two for an
    operator (its own active subscriptions are kept apart)."""
    this_month = history.month_start(period.today)
    closed = [m for m in period.months if m < this_month]
    if not closed or state is None or state.last_month is None:
        return {}, set()
    known = {m for m in closed if state.first_month <= m <= state.last_month}
    if not known:
        return {}, set()

    def per_month_and_qpv(rows, **sums):
        return (
            scope.narrow_stock(rows, qpv, landlord)
            .filter(month__gte=min(known), month__lte=max(known))
            .values("month", "qpv_id")
            .annotate(**sums)
            .order_by()
        )

    own = scope.monthly_active_rows()
    actives = None
    if own is not None:
        actives = {(r["month"], r["qpv_id"]): r["n"] for r in per_month_and_qpv(own, n=Sum("active"))}
    rows = per_month_and_qpv(
        scope.monthly_rows(), dwellings=Sum("dwellings"), equipped=Sum("equipped"), active=Sum("active")
    )
    found = {}
    for row in rows:
        key = (row["month"], row["qpv_id"])
        active = row["active"] if actives is None else actives.get(key, 0)
        found[key] = (row["dwellings"], row["equipped"], active)
    return found, known


def commitment_rows(scope, qpv, landlord, *, with_charters=False):
    """[(commitment, Progress)] of the scope and {status group: count}; `with_charters` also loads each
    adhesion's charter and city (the lists that show them)."""
    related = ["signature__organization", "kind", "qpv", "residence"]
    if with_charters:
        related.append("signature__charter__city")
    commitments = list(
        scope.narrow_commitments(scope.commitments(), qpv, landlord)
        .select_related(*related)
        .order_by("signature__organization__name", "kind__order", "qpv__code", "due_date", "pk")
    )
    measures = measures_of(commitments)
    rows = [(c, c.progress(measures.get(c.pk))) for c in commitments]
    counts = dict.fromkeys(COUNTED_STATUSES, 0)
    counts["other"] = 0
    for _, progress in rows:
        counts[status_group(progress)] += 1
    return rows, counts


def _period_bounds(period):
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.first, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(period.as_of + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def _tenders(scope, qpv, landlord, period):
    start, end = _period_bounds(period)
    during = Q(published_at__isnull=True) | (
        Q(published_at__lt=end) & (Q(ended_at__isnull=True) | Q(ended_at__gte=start))
    )
    rows = (
        scope.narrow_tenders(scope.tenders(), qpv, landlord)
        .filter(during)
        .values("state")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {row["state"]: row["count"] for row in rows}
    return [
        {"state": state, "label": label, "count": counts[state], "url": url("operators:tender_list", {"state": state})}
        for state, label in TenderState.choices
        if counts.get(state)
    ]


def _contracts(scope, qpv, landlord):
    rows = (
        scope.narrow_contracts(scope.contracts(), qpv, landlord)
        .values("state")
        .annotate(count=Count("pk"), dwellings=Sum("dwelling_count"))
        .order_by()
    )
    counts = {row["state"]: row for row in rows}
    return [
        {"state": state, "label": label, "count": counts[state]["count"], "dwellings": counts[state]["dwellings"]}
        for state, label in ContractState.choices
        if state in counts
    ]


def _tfpb(scope, qpv, landlord, period, detailed):
    """Abatement and valued actions of the period's year (a rolling period: the latest year with
    programmes, this year or last). `detailed` also returns the programmes (xlsx, PDF)."""
    programmes = scope.programmes()
    if programmes is None:
        return None
    years = [period.year] if period.code.isdigit() else [period.year - 1, period.year]
    base = scope.narrow_programmes(programmes, qpv, landlord).filter(report__year__in=years).with_totals()
    if detailed:
        objects = list(
            base.select_related("report__convention__landlord", "qpv").order_by(
                "report__convention__landlord__name", "qpv__code"
            )
        )
        rows = [
            {
                "year": p.report.year,
                "state": p.report.state,
                "report_id": p.report_id,
                "abatement": p.abatement_amount,
                "realised": p.realised_total,
                "connectivity": p.connectivity_total,
                "programme": p,
            }
            for p in objects
        ]
    else:
        fields = ("report__year", "report__state", "report_id", "abatement_amount", "realised_total")
        rows = [
            {
                "year": r["report__year"],
                "state": r["report__state"],
                "report_id": r["report_id"],
                "abatement": r["abatement_amount"],
                "realised": r["realised_total"],
                "connectivity": r["connectivity_total"],
            }
            for r in base.values(*fields, "connectivity_total").order_by()
        ]
    year = max((r["year"] for r in rows), default=period.year)
    rows = [r for r in rows if r["year"] == year]
    zero = Decimal("0.00")
    abatement = sum((r["abatement"] or zero for r in rows), zero)
    realised = sum((r["realised"] for r in rows), zero)
    connectivity = sum((r["connectivity"] for r in rows), zero)
    totals = {
        "abatement": abatement,
        "realised": realised,
        "connectivity": connectivity,
        "ratio": ratio(realised, abatement),
        "connectivity_share": connectivity / realised * 100 if realised else None,  # of the valued actions
    }
    states = defaultdict(set)
    for row in rows:
        states[row["state"]].add(row["report_id"])
    reports = [
        {"state": state, "label": label, "count": len(states[state])}
        for state, label in ReportState.choices
        if states.get(state)
    ]
    return {
        "year": year,
        "programmes": [r["programme"] for r in rows] if detailed else [],
        "count": len(rows),
        "totals": totals,
        "reports": reports,
    }


def build(scope, *, qpv=None, landlord=None, period, detailed=False):
    """The Dashboard of `scope`; `detailed` adds what only the xlsx and the PDF list (TFPB programmes)."""
    lodgings = scope.narrow_stock(scope.lodgings(), qpv, landlord)
    base_params = scope.lodging_params(qpv, landlord)

    lines, landlord_lines = _stock(scope, lodgings, qpv, landlord)
    if qpv is not None and qpv.pk not in lines:
        lines[qpv.pk] = StockLine(key=qpv.pk, code=qpv.code, name=qpv.name)

    state = history.history_state()
    past, known = _history(scope, qpv, landlord, period, state)
    this_month = history.month_start(period.today)
    for (_, qpv_id), _values in past.items():
        lines.setdefault(qpv_id, StockLine(key=qpv_id))
    for line in lines.values():
        for month in period.months:
            if month == this_month:
                line.series[month] = (line.dwellings, line.equipped, line.active)
            elif month in known:
                line.series[month] = past.get((month, line.key), (0, 0, 0))
            else:
                line.series[month] = None

    total = StockLine(name="Ensemble")
    for line in lines.values():
        total.add(line)
        qpv_code = line.code or "HZ"
        line.lodging_url = url("leases:lodging_list", {**base_params, "qpv": qpv_code})
        line.equipped_url = url("leases:lodging_list", {**base_params, "qpv": qpv_code, "equipment": "box"})
        line.ready_url = url("leases:residence_list", {**base_params, "qpv": qpv_code, "fibre": "ready"})
    total_series = {}
    for month in period.months:
        values = [line.series.get(month) for line in lines.values()]
        if any(v is None for v in values) and month not in known and month != this_month:
            total_series[month] = None
        else:
            known_values = [v for v in values if v is not None]
            total_series[month] = (
                sum(v[0] for v in known_values),
                sum(v[1] for v in known_values),
                sum(v[2] for v in known_values),
            )
    by_qpv = sorted(
        (line for line in lines.values() if line.key is not None and line.dwellings + line.residences),
        key=lambda line: line.code,
    )
    outside = lines.get(None)
    if outside is not None and outside.dwellings:
        outside.name = "Hors QPV"
        by_qpv.append(outside)

    commitments, commitment_counts = commitment_rows(scope, qpv, landlord, with_charters=detailed)
    by_landlord = []
    if scope.kind != "landlord":
        for line in landlord_lines.values():
            params = {k: v for k, v in base_params.items() if k != "landlord"}
            if scope.user.has_territory:
                params["landlord"] = line.key
            line.lodging_url = url("leases:lodging_list", params)
            line.equipped_url = url("leases:lodging_list", {**params, "equipment": "box"})
        for commitment, progress in commitments:
            line = landlord_lines.get(commitment.signature.organization_id)
            if line is not None and status_group(progress) != "other":
                line.commitments[status_group(progress)] += 1
        by_landlord = sorted(landlord_lines.values(), key=lambda line: line.name)

    headline_values = total_series.get(period.last) if not period.is_current else None
    if period.is_current:
        headline = {"dwellings": total.dwellings, "equipped": total.equipped, "active": total.active}
    elif headline_values is not None:
        headline = dict(zip(("dwellings", "equipped", "active"), headline_values, strict=True))
    else:
        headline = {"dwellings": None, "equipped": None, "active": None}
    headline["equipped_rate"] = (
        share(headline["equipped"] or 0, headline["dwellings"]) if headline["dwellings"] else None
    )
    headline["active_rate"] = share(headline["active"] or 0, headline["dwellings"]) if headline["dwellings"] else None
    headline["as_of"] = period.as_of

    links = {
        "dwellings": url("leases:lodging_list", base_params),
        "equipped": url("leases:lodging_list", {**base_params, "equipment": "box"}),
        "outlet": url("leases:lodging_list", {**base_params, "equipment": "outlet"}),
        "fibre_ready": url("leases:residence_list", {**base_params, "fibre": "ready"}),
        "fibre_dwellings": url("leases:lodging_list", {**base_params, "fibre": "ready"}),
        "tenders": url("operators:tender_list"),
        "contracts": url("operators:contract_list"),
        "subscriptions": url("subscriptions:overview"),
    }
    funnel = [
        ("Logements du parc", total.dwellings, links["dwellings"]),
        ("En résidence raccordable à la fibre (ARCEP)", total.fibre_ready, links["fibre_dwellings"]),
        ("Dans le périmètre d'un appel d'offres publié", total.in_tender, links["tenders"]),
        ("Couverts par un marché en cours", total.under_contract, links["contracts"]),
        # The rollout, from the subscriptions' statuses (sources.STAGES).
        ("Abonnement prévu ou en service", total.subscribed, links["subscriptions"]),
        ("Box posée par l'opérateur", total.installed, links["subscriptions"]),
        ("Abonnement actif", total.active, links["subscriptions"]),
    ]
    return Dashboard(
        scope=scope,
        qpv=qpv,
        landlord=landlord,
        period=period,
        today=total,
        by_qpv=by_qpv,
        by_landlord=by_landlord,
        months=period.months,
        total_series=total_series,
        headline=headline,
        commitments=commitments,
        commitment_counts=commitment_counts,
        tenders=_tenders(scope, qpv, landlord, period),
        contracts=_contracts(scope, qpv, landlord),
        tfpb=_tfpb(scope, qpv, landlord, period, detailed),
        funnel=funnel,
        history_state=state,
        links=links,
    )
