"""The money of internet in the charges: what each lease is charged, what the service really cost,
and what the landlord bears (domain.md §4).

One computation, `Charges(lodgings, start, end)`, serves every screen and document: the monthly
per-lease export, the yearly regularisation, the statement, the dwelling's panel and the TFPB
valuation. It reads the dated facts once (a constant number of queries) and walks them in Python
with whole numbers of cents and days, so that 100,000 dwellings over a year stay within seconds.

The rules, in order:
- a subscription is charged for the days its service is on (status "active"; the effective date
  of a status is its first day), within the contract's dates;
- a lease is charged for the days it runs (its end date included), while the residence's legal
  basis covers them; under individual opt-in, only from the tenant's opt-in on;
- the tenant's monthly amount is the contract's unit price TTC less the landlord's share (the
  residence's ChargeSetting for that month), rounded half-up to the cent, never above the ceiling
  the landlord committed to in the charter; a residence without a setting is not charged;
- a partial month is prorated per calendar month (days ÷ days in that month), rounded half-up
  to the cent on each monthly line;
- the actual cost of a dwelling-month is the operator's invoice for that contract and month,
  shared between the contract's residences by their days of active subscription, then inside the
  residence by its allocation key; without an invoice, the contract's price for the active days
  (and the tenant's actual cost is then exactly the provision);
- what tenants do not pay is borne by the landlord: vacant days, days without legal basis (or
  without opt-in), the landlord's share, and any cost above the ceiling.
"""

import bisect
import calendar
import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from leases.models import Lease
from operators.models import Contract

from .models import (
    AllocationKey,
    BasisKind,
    ChargeSetting,
    LeaseOptIn,
    LegalBasis,
    OperatorInvoice,
    Subscription,
    SubscriptionEvent,
    SubscriptionStatus,
    money,
)

ACTIVE = SubscriptionStatus.ACTIVE.value
HUNDRED_PERCENT = 10_000  # shares in hundredths of a percent (75.00 % -> 7500)


def merge_detail(first, second):
    """Two monthly details of the same lease added month by month."""
    months = {}
    for key, days, provision, actual in (*first, *second):
        old = months.get(key, (0, 0, 0))
        months[key] = (old[0] + days, old[1] + provision, old[2] + actual)
    return tuple((key, *months[key]) for key in sorted(months))


def div_half_up(numerator, denominator):
    """numerator / denominator rounded half-up, for whole numbers ≥ 0."""
    return (2 * numerator + denominator) // (2 * denominator)


def cents(amount):
    return int(money(amount) * 100)


def cents_text(value_cents):
    """1234 -> "12.34" (a whole number of cents as JSON-friendly text, without Decimal's cost)."""
    sign = "-" if value_cents < 0 else ""
    value_cents = abs(value_cents)
    return f"{sign}{value_cents // 100}.{value_cents % 100:02d}"


def euros(value_cents):
    return (Decimal(value_cents) / 100).quantize(Decimal("0.01"))


class Month:
    """A calendar month: its first and last days (dates and ordinals), its length and "AAAA-MM" key."""

    __slots__ = ("first", "last", "lo", "hi", "days", "key")

    def __init__(self, first, last):
        self.first, self.last = first, last
        self.lo, self.hi = first.toordinal(), last.toordinal()
        self.days = last.day
        self.key = f"{first:%Y-%m}"

    def __eq__(self, other):
        return isinstance(other, Month) and self.first == other.first

    def __hash__(self):
        return hash(self.first)

    def __repr__(self):
        return f"Month({self.key})"


def months_between(start, end):
    """The calendar months from start's to end's, each as a Month."""
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        last = calendar.monthrange(year, month)[1]
        months.append(Month(datetime.date(year, month, 1), datetime.date(year, month, last)))
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return months


def charter_ceilings(landlord_ids, dates):
    """landlord -> for each date, the lowest monthly ceiling (cents) the landlord committed to in a
    charter it has signed, in force on that date (or None: no ceiling)."""
    from charter.models import Commitment, Signature

    found = defaultdict(list)
    for landlord_id, starts_on, target in Commitment.objects.filter(
        kind__code="tenant_charge_ceiling",
        signature__state=Signature.State.SIGNED,
        signature__organization_id__in=landlord_ids,
        starts_on__isnull=False,
        target_value__isnull=False,
    ).values_list("signature__organization_id", "starts_on", "target_value"):
        found[landlord_id].append((starts_on, cents(target)))

    def lowest(landlord_id, day):
        return min((c for since, c in found.get(landlord_id, ()) if since <= day), default=None)

    return {landlord_id: [lowest(landlord_id, day) for day in dates] for landlord_id in landlord_ids}


# Intervals: sorted lists of disjoint inclusive (lo, hi) day ordinals.


def intersect(a, b):
    if not a or not b:
        return []
    if len(a) == 1 and len(b) == 1:
        lo, hi = max(a[0][0], b[0][0]), min(a[0][1], b[0][1])
        return [(lo, hi)] if lo <= hi else []
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def union(intervals):
    out = []
    for lo, hi in sorted(intervals):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def active_intervals(events, lo, hi):
    """Days the service was on, from (status, date) events in effective order, within [lo, hi]."""
    out, opened = [], None
    for status, day in events:
        day = day.toordinal()
        if status == ACTIVE:
            if opened is None:
                opened = day
        elif opened is not None:
            if day - 1 >= opened:
                out.append((opened, day - 1))
            opened = None
    if opened is not None:
        out.append((opened, hi))
    return intersect(out, [(lo, hi)]) if out else []


@dataclass(slots=True)
class LeaseMonth:
    """One lease in one month: its monthly line."""

    lease_id: int
    lodging_id: int
    residence_id: int
    month: Month
    leased_days: int
    chargeable_days: int
    monthly_amount: int  # cents, the full-month amount before proration (0 when nothing is charged)
    provision: int  # cents, the monthly charge called
    actual: int  # cents, the tenant's share of the actual cost
    excess: int  # cents above the ceiling, borne by the landlord


@dataclass(slots=True)
class DwellingMonth:
    """One subscription in one month: the cost and who bears it (cents)."""

    subscription_id: int
    lodging_id: int
    residence_id: int
    contract_id: int
    month: Month
    active_days: int
    cost: int
    invoiced: bool
    vacant_days: int
    no_basis_days: int
    vacant: int
    no_basis: int
    excess: int
    landlord_share: int
    tenants: int
    leases: list


class Charges:
    """The charges of `lodgings` (a Lodging queryset) from `start` to `end`, both included."""

    def __init__(self, lodgings, start, end):
        self.start, self.end = start, end
        self.lo, self.hi = start.toordinal(), end.toordinal()
        self.months = months_between(start, end)
        self._los, self._his = [m.lo for m in self.months], [m.hi for m in self.months]
        self._load(lodgings)

    # Loading: a constant number of queries.

    def _load(self, lodgings):
        lo, hi, start, end = self.lo, self.hi, self.start, self.end
        wanted = set(lodgings.order_by().values_list("pk", flat=True))
        self.wanted = wanted
        contract_ids = set(
            Subscription.objects.filter(lodging__in=lodgings)
            .order_by()
            .values_list("contract_id", flat=True)
            .distinct()
        )
        self.contracts = {}
        for pk, price_ht, vat, c_start, c_end, landlord_id in Contract.objects.filter(pk__in=contract_ids).values_list(
            "pk", "unit_price_ht", "vat_rate", "start", "end", "landlord_id"
        ):
            window = (
                max(lo, c_start.toordinal()) if c_start else hi + 1,
                min(hi, c_end.toordinal()) if c_end else hi,
            )
            self.contracts[pk] = (cents(price_ht * (1 + vat / 100)), window, landlord_id)
        # Every subscription of these contracts: the invoice is shared across the whole contract.
        self.subscriptions = {}
        area = {}
        for pk, lodging_id, contract_id, residence_id, living_area in Subscription.objects.filter(
            contract_id__in=contract_ids
        ).values_list("pk", "lodging_id", "contract_id", "lodging__residence_id", "lodging__living_area"):
            self.subscriptions[pk] = [lodging_id, contract_id, residence_id, []]
            area[pk] = int(living_area * 100) if living_area else None
        events = defaultdict(list)
        for sub_id, status, day in (
            SubscriptionEvent.objects.effective()
            .filter(subscription__contract_id__in=contract_ids, effective_date__lte=end)
            .order_by("subscription_id", "effective_date", "recorded_at", "pk")
            .values_list("subscription_id", "status", "effective_date")
        ):
            events[sub_id].append((status, day))
        for pk, row in self.subscriptions.items():
            window = self.contracts[row[1]][1]
            row[3] = tuple(active_intervals(events.get(pk, ()), *window)) if window[0] <= window[1] else ()
        self.residences = {r for _, _, r, _ in self.subscriptions.values()}
        # Living areas: a dwelling without one counts as the mean of its residence (else all equal).
        by_residence = defaultdict(list)
        for pk, row in self.subscriptions.items():
            if area[pk]:
                by_residence[row[2]].append(area[pk])
        means = {r: sum(v) // len(v) for r, v in by_residence.items()}
        self.weights = {pk: area[pk] or means.get(row[2], 100) for pk, row in self.subscriptions.items()}

        self.leases = defaultdict(list)  # lodging -> [(lease id, interval)]
        lease_ids = []
        for pk, lodging_id, l_start, l_end in (
            Lease.objects.filter(lodging__in=lodgings, start__lte=end)
            .filter(Q(end__isnull=True) | Q(end__gte=start))
            .order_by("start")
            .values_list("pk", "lodging_id", "start", "end")
        ):
            interval = (max(lo, l_start.toordinal()), min(hi, l_end.toordinal()) if l_end else hi)
            self.leases[lodging_id].append((pk, (interval,)))
            lease_ids.append(pk)
        self.opt_ins = defaultdict(list)
        for lease_id, opted_in, opted_out in LeaseOptIn.objects.filter(
            lease__lodging__in=lodgings, opted_in_on__lte=end
        ).values_list("lease_id", "opted_in_on", "opted_out_on"):
            self.opt_ins[lease_id].append((opted_in.toordinal(), opted_out.toordinal() - 1 if opted_out else hi))
        self.bases = defaultdict(list)  # residence -> [(kind, interval)]
        for residence_id, kind, since, until in (
            LegalBasis.objects.covering()
            .filter(residence_id__in=self.residences, effective_from__lte=end)
            .values_list("residence_id", "kind", "effective_from", "ended_on")
        ):
            self.bases[residence_id].append((kind, (since.toordinal(), until.toordinal() if until else hi)))
        self.settings = self._settings()
        self.uses_area = {
            residence_id
            for residence_id, months in self.settings.items()
            if any(setting and setting[1] == AllocationKey.LIVING_AREA for setting in months)
        }
        self._per_month, self._allowed_cache, self._shapes = {}, {}, {}
        landlords = {landlord for _, _, landlord in self.contracts.values()}
        self.ceilings = charter_ceilings(landlords, [month.last for month in self.months])
        self.invoices = {
            (contract_id, f"{month:%Y-%m}"): cents(ht * (1 + vat / 100))
            for contract_id, month, ht, vat in OperatorInvoice.objects.filter(
                contract_id__in=contract_ids, month__gte=self.months[0].first, month__lte=self.months[-1].first
            ).values_list("contract_id", "month", "amount_ht", "vat_rate")
        }
        self._allocation()

    def _settings(self):
        """residence -> per month index: (landlord share in hundredths of a percent, key) or None."""
        rows = defaultdict(list)
        for residence_id, since, share, key in (
            ChargeSetting.objects.filter(residence_id__in=self.residences)
            .order_by("valid_from")
            .values_list("residence_id", "valid_from", "landlord_share_percent", "allocation_key")
        ):
            rows[residence_id].append((since, int(share * 100), key))
        result = {}
        for residence_id in self.residences:
            per_month = []
            for month in self.months:
                current = None
                for since, share, key in rows.get(residence_id, ()):
                    if since <= month.first:
                        current = (share, key)
                per_month.append(current)
            result[residence_id] = per_month
        return result

    def _allocation(self):
        """Days and weights of active subscription per (contract, month) and (contract, month, residence)."""
        self.contract_days = defaultdict(int)
        self.residence_days = defaultdict(int)
        self.residence_weight = defaultdict(int)
        invoiced = set(self.invoices)
        if not invoiced:
            return
        groups = Counter(
            (contract_id, residence_id, intervals, self.weights[pk] if residence_id in self.uses_area else 1)
            for pk, (_, contract_id, residence_id, intervals) in self.subscriptions.items()
            if intervals
        )
        for (contract_id, residence_id, intervals, weight), count in groups.items():
            for index, days in enumerate(self.per_month(intervals)):
                if not days or (contract_id, self.months[index].key) not in invoiced:
                    continue
                setting = self.settings[residence_id][index]
                key_weight = weight if setting and setting[1] == AllocationKey.LIVING_AREA else 1
                self.contract_days[contract_id, index] += days * count
                self.residence_days[contract_id, index, residence_id] += days * count
                self.residence_weight[contract_id, index, residence_id] += days * key_weight * count

    # Walking the facts.

    def allowed(self, residence_id, lease_id):
        """Days the legal basis lets this lease be charged."""
        out = []
        for kind, interval in self.bases.get(residence_id, ()):
            if kind == BasisKind.INDIVIDUAL_OPT_IN:
                out.extend(intersect([interval], union(self.opt_ins.get(lease_id, ()))))
            else:
                out.append(interval)
        return union(out)

    def per_month(self, intervals):
        """Days of `intervals` (a tuple) in each month of the period, as a tuple (cached: dwellings
        activated the same day share it)."""
        found = self._per_month.get(intervals)
        if found is None:
            out = [0] * len(self.months)
            los, his = self._los, self._his
            for lo, hi in intervals:
                index = max(bisect.bisect_right(los, lo) - 1, 0)
                while index < len(los) and los[index] <= hi:
                    out[index] += max(0, min(hi, his[index]) - max(lo, los[index]) + 1)
                    index += 1
            found = self._per_month[intervals] = tuple(out)
        return found

    def _allowed(self, residence_id, lease_id):
        found = self._allowed_cache.get(lease_id)
        if found is None:
            found = self._allowed_cache[lease_id] = self.allowed(residence_id, lease_id)
        return found

    def _shape_of(self, pk):
        """(lease ids, months) of a subscription. Subscriptions alike (same contract, residence, weight,
        service days and lease days) share one computation: a landlord's dwellings mostly are."""
        lodging_id, contract_id, residence_id, intervals = self.subscriptions[pk]
        ids, leases = [], []
        for lease_id, lease_interval in self.leases.get(lodging_id, ()):
            leased = tuple(intersect(intervals, lease_interval))
            if leased:
                ids.append(lease_id)
                leases.append((leased, tuple(intersect(leased, self._allowed(residence_id, lease_id)))))
        weight = self.weights[pk] if residence_id in self.uses_area else 1
        key = (contract_id, residence_id, weight, intervals, tuple(leases))
        months = self._shapes.get(key)
        if months is None:
            months = self._shapes[key] = self._compute(contract_id, residence_id, weight, intervals, leases)
        return ids, months

    def _compute(self, contract_id, residence_id, weight, intervals, leases):
        """((month index, active days, invoiced, num, den, lines), ...) for months with active days, where
        num/den is the exact cost of the dwelling-month in cents, and lines has, per lease, (leased days,
        chargeable days, monthly amount, provision, actual cost, excess over the ceiling)."""
        unit, _, landlord_id = self.contracts[contract_id]
        ceilings, settings = self.ceilings[landlord_id], self.settings[residence_id]
        vectors = [(self.per_month(leased), self.per_month(chargeable)) for leased, chargeable in leases]
        result = []
        for index, active in enumerate(self.per_month(intervals)):
            if not active:
                continue
            month = self.months[index]
            dim = month.days
            setting = settings[index]
            invoice = self.invoices.get((contract_id, month.key))
            if invoice is not None:
                key_weight = weight if setting and setting[1] == AllocationKey.LIVING_AREA else 1
                share_key = (contract_id, index, residence_id)
                num = invoice * self.residence_days[share_key] * active * key_weight
                den = self.contract_days[contract_id, index] * self.residence_weight[share_key]
            else:
                num, den = unit * active, dim
            ceiling = ceilings[index]
            tenant_bp = HUNDRED_PERCENT - setting[0] if setting else 0
            uncapped_monthly = div_half_up(unit * tenant_bp, HUNDRED_PERCENT)
            monthly = min(uncapped_monthly, ceiling) if ceiling is not None else uncapped_monthly
            lines = []
            for leased, chargeable in vectors:
                leased_days, days = leased[index], chargeable[index]
                provision = div_half_up(monthly * days, dim)
                if invoice is None:
                    uncapped = div_half_up(uncapped_monthly * days, dim)
                else:
                    uncapped = div_half_up(num * days * tenant_bp, den * active * HUNDRED_PERCENT)
                actual = min(uncapped, div_half_up(ceiling * days, dim)) if ceiling is not None else uncapped
                lines.append((leased_days, days, monthly if days else 0, provision, actual, uncapped - actual))
            result.append((index, active, invoice is not None, num, den, tuple(lines)))
        return tuple(result)

    def _walk(self):
        """(subscription, lodging, contract, residence, lease ids, months) for the wanted dwellings."""
        for pk, (lodging_id, contract_id, residence_id, intervals) in self.subscriptions.items():
            if lodging_id in self.wanted and intervals:
                yield (pk, lodging_id, contract_id, residence_id, *self._shape_of(pk))

    def dwelling_months(self):
        """DwellingMonth for every subscription of the wanted dwellings and every month with active days."""
        for pk, lodging_id, contract_id, residence_id, ids, months in self._walk():
            for index, active, invoiced, num, den, lines in months:
                month = self.months[index]
                leases = [
                    LeaseMonth(lease_id, lodging_id, residence_id, month, *line)
                    for lease_id, line in zip(ids, lines, strict=True)
                    if line[0]
                ]
                leased = sum(line.leased_days for line in leases)
                unchargeable = sum(line.leased_days - line.chargeable_days for line in leases)
                tenants = sum(line.actual for line in leases)
                excess = sum(line.excess for line in leases)
                cost = div_half_up(num, den)
                vacant = div_half_up(num * (active - leased), den * active)
                no_basis = div_half_up(num * unchargeable, den * active)
                yield DwellingMonth(
                    subscription_id=pk,
                    lodging_id=lodging_id,
                    residence_id=residence_id,
                    contract_id=contract_id,
                    month=month,
                    active_days=active,
                    cost=cost,
                    invoiced=invoiced,
                    vacant_days=active - leased,
                    no_basis_days=unchargeable,
                    vacant=vacant,
                    no_basis=no_basis,
                    excess=excess,
                    landlord_share=cost - tenants - vacant - no_basis - excess,
                    tenants=tenants,
                    leases=leases,
                )

    def lease_months(self):
        """{lease id: [LeaseMonth, ...]} merged over subscriptions (two contracts in one month add up)."""
        merged = {}
        for row in self.dwelling_months():
            for line in row.leases:
                key = (line.lease_id, line.month.first)
                if key in merged:
                    other = merged[key]
                    other.leased_days += line.leased_days
                    other.chargeable_days += line.chargeable_days
                    other.monthly_amount = max(other.monthly_amount, line.monthly_amount)
                    other.provision += line.provision
                    other.actual += line.actual
                    other.excess += line.excess
                else:
                    merged[key] = line
        result = defaultdict(list)
        for line in merged.values():
            result[line.lease_id].append(line)
        for lines in result.values():
            lines.sort(key=lambda line: line.month.first)
        return result

    def lease_totals(self):
        """{lease id: (lodging, residence, chargeable days, provisions, actual cost, detail)} over the period,
        in cents; detail: ((AAAA-MM, chargeable days, provision, actual cost), ...) for the months that
        count. What the regularisation needs, summed once per shape of subscription."""
        totals = {}
        per_shape = {}
        for _, lodging_id, _, residence_id, ids, months in self._walk():
            shape = per_shape.get(id(months))
            if shape is None:
                shape = per_shape[id(months)] = (months, self._shape_totals(months, len(ids)))
            for lease_id, (days, provisions, actual, detail) in zip(ids, shape[1], strict=True):
                if lease_id in totals:  # a second subscription of the dwelling (another contract)
                    _, _, d, p, a, previous = totals[lease_id]
                    detail = merge_detail(previous, detail)
                    days, provisions, actual = d + days, p + provisions, a + actual
                totals[lease_id] = (lodging_id, residence_id, days, provisions, actual, detail)
        return totals

    def _shape_totals(self, months, count):
        result = []
        for position in range(count):
            days = provisions = actual = 0
            detail = []
            for index, *_, lines in months:
                leased_days, chargeable, _, provision, cost, _ = lines[position]
                if chargeable or provision or cost:
                    detail.append((self.months[index].key, chargeable, provision, cost))
                days, provisions, actual = days + chargeable, provisions + provision, actual + cost
            result.append((days, provisions, actual, tuple(detail)))
        return result
