"""Open data: indicators per QPV and per landlord, aggregated, under the Licence Ouverte.

What is published, and what never is:
- the figures of the last closed month (MonthlyStock: dwellings, boxes, fibre outlets, active
  internet subscriptions), per QPV and per landlord (SIREN: landlords are legal persons, their
  identity is public); never a dwelling, an address, a RPLS id, a lease or a subscription;
- statistical secrecy: a row covering fewer than THRESHOLD dwellings is merged into one
  « autres » row (dropped if that row is still too small); within a row, a count is published
  only when it and its complement (dwellings minus it) are each either 0 or at least THRESHOLD,
  otherwise the cell is left empty, and so is its percentage. A household can then never be
  singled out: "2 of the 40 dwellings of this QPV have no box" cannot be read or recomputed;
- no column totals, which would give back a suppressed cell by subtraction.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from accounts.models import Kind, Organization
from leases.models import FIBRE_READY_STATES, Qpv, Residence

from . import history
from .models import MonthlyStock

THRESHOLD = 5
LICENCE = "Licence Ouverte / Open Licence version 2.0 (Etalab)"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"


def publishable(count, total):
    """A count (of `total` dwellings) may be published when neither it nor its complement is small."""
    rest = total - count
    return (count == 0 or count >= THRESHOLD) and (rest == 0 or rest >= THRESHOLD)


@dataclass
class Row:
    code: str  # QPV code or landlord SIREN ("" for the merged row)
    name: str
    dwellings: int
    counts: dict  # column -> count
    extra: dict = field(default_factory=dict)  # non-dwelling figures (residences)

    def cell(self, column):
        """The published value of a count column: the number, or "" when secret."""
        value = self.counts.get(column)
        if value is None or not publishable(value, self.dwellings):
            return ""
        return value

    def rate(self, column):
        value = self.cell(column)
        if value == "" or not self.dwellings:
            return ""
        return round(100 * value / self.dwellings)


@dataclass
class Indicators:
    month: object  # first day of the month the figures describe (at its last day), or None
    qpv_rows: list
    landlord_rows: list
    suppressed_qpv: int
    suppressed_landlords: int

    @property
    def as_of(self):
        return history.month_end(self.month) if self.month else None


def _merge(rows, label):
    """Rows under THRESHOLD dwellings become one « autres » row (left out if still too small)."""
    kept = [row for row in rows if row.dwellings >= THRESHOLD]
    small = [row for row in rows if row.dwellings < THRESHOLD]
    if small:
        merged = Row(
            "",
            f"{label} ({len(small)})",
            sum(row.dwellings for row in small),
            {key: sum(row.counts[key] for row in small) for key in small[0].counts},
        )
        if merged.dwellings >= THRESHOLD:
            kept.append(merged)
    return kept, len(small)


def indicators():
    """Every figure of the open data, in five queries whatever the size of the stock."""
    state = history.history_state()
    month = state.last_month if state else None
    if month is None:
        return Indicators(None, [], [], 0, 0)
    rows = MonthlyStock.objects.filter(month=month)
    # Annotation names differ from the fields: a later Sum(filter=…) must read the field, not the sum.
    sums = {"n": Sum("dwellings"), "eq": Sum("equipped"), "ou": Sum("outlet"), "ac": Sum("active")}

    def counts(row):
        return {"equipped": row["eq"], "outlet": row["ou"], "active": row["ac"]}

    names, labels = {}, {}
    for pk, code, name in Qpv.objects.values_list("pk", "code", "name"):
        names[pk], labels[pk] = code, name
    residences = {
        row["qpv_id"]: row
        for row in Residence.objects.filter(qpv__isnull=False)
        .values("qpv_id")
        .annotate(total=Count("pk"), ready=Count("pk", filter=Q(fibre_state__in=FIBRE_READY_STATES)))
        .order_by()
    }
    qpv_rows = []
    for row in rows.filter(qpv__isnull=False).values("qpv_id").annotate(**sums).order_by():
        fibre = residences.get(row["qpv_id"], {"total": 0, "ready": 0})
        qpv_rows.append(
            Row(
                names[row["qpv_id"]],
                labels[row["qpv_id"]],
                row["n"],
                counts(row),
                {"residences": fibre["total"], "fibre_ready": fibre["ready"]},
            )
        )
    qpv_rows.sort(key=lambda r: r.code)
    qpv_rows, small_qpv = _merge(qpv_rows, "Autres QPV de moins de 5 logements")

    landlords, landlord_names = {}, {}
    for pk, siren, name in Organization.objects.filter(kind=Kind.LANDLORD).values_list("pk", "siren", "name"):
        landlords[pk], landlord_names[pk] = siren, name
    landlord_rows = []
    per_landlord = rows.values("landlord_id").annotate(**sums, in_qpv=Sum("dwellings", filter=Q(qpv__isnull=False)))
    for row in per_landlord.order_by():
        landlord_rows.append(
            Row(
                landlords.get(row["landlord_id"], ""),
                landlord_names.get(row["landlord_id"], ""),
                row["n"],
                {**counts(row), "in_qpv": row["in_qpv"] or 0},
            )
        )
    landlord_rows.sort(key=lambda r: r.name)
    landlord_rows, small_landlords = _merge(landlord_rows, "Autres bailleurs de moins de 5 logements")
    return Indicators(month, qpv_rows, landlord_rows, small_qpv, small_landlords)


QPV_COLUMNS = [
    ("date_donnees", lambda d, r: d.as_of.isoformat()),
    ("code_qpv", lambda d, r: r.code),
    ("nom_qpv", lambda d, r: r.name),
    ("logements", lambda d, r: r.dwellings),
    ("logements_equipes_box", lambda d, r: r.cell("equipped")),
    ("part_equipee_pct", lambda d, r: r.rate("equipped")),
    ("logements_prise_fibre_ou_box", lambda d, r: r.cell("outlet")),
    ("logements_abonnement_actif", lambda d, r: r.cell("active")),
    ("part_abonnement_actif_pct", lambda d, r: r.rate("active")),
    ("residences", lambda d, r: r.extra.get("residences", "")),
    ("residences_raccordables_fibre", lambda d, r: r.extra.get("fibre_ready", "")),
]

LANDLORD_COLUMNS = [
    ("date_donnees", lambda d, r: d.as_of.isoformat()),
    ("siren_bailleur", lambda d, r: r.code),
    ("nom_bailleur", lambda d, r: r.name),
    ("logements", lambda d, r: r.dwellings),
    ("logements_en_qpv", lambda d, r: r.cell("in_qpv")),
    ("logements_equipes_box", lambda d, r: r.cell("equipped")),
    ("part_equipee_pct", lambda d, r: r.rate("equipped")),
    ("logements_prise_fibre_ou_box", lambda d, r: r.cell("outlet")),
    ("logements_abonnement_actif", lambda d, r: r.cell("active")),
    ("part_abonnement_actif_pct", lambda d, r: r.rate("active")),
]


def csv_text(data, level):
    columns, rows = (QPV_COLUMNS, data.qpv_rows) if level == "qpv" else (LANDLORD_COLUMNS, data.landlord_rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([name for name, _ in columns])
    for row in rows:
        writer.writerow([getter(data, row) for _, getter in columns])
    return out.getvalue()


def csv_name(data, level):
    month = f"-{data.month:%Y-%m}" if data.month else ""
    return f"quartiers-connectes-indicateurs-{'qpv' if level == 'qpv' else 'bailleurs'}{month}.csv"
