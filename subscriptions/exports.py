"""Files for the landlord's other software: the monthly per-lease charges (rent billing) and the
regularisation (accounting). Columns declared once as (header, getter) pairs (style.md).

Lease references are pseudonymous personal data: these files go to the landlord's members only.
"""

import csv
import io

from leases.models import Lease, Lodging

from .charges import Charges, euros
from .models import BasisKind, LegalBasis, RegularisationLine

MONTHLY_COLUMNS = [
    ("Référence du bail", lambda r: r["lease"]),
    ("IDENT_REP", lambda r: r["rpls_id"]),
    ("IDENT_INT", lambda r: r["internal_id"]),
    ("Résidence", lambda r: r["residence"]),
    ("Mois", lambda r: r["month"]),
    ("Jours facturés", lambda r: r["days"]),
    ("Jours du mois", lambda r: r["month_days"]),
    ("Montant mensuel TTC (€)", lambda r: r["monthly"]),
    ("Montant à appeler TTC (€)", lambda r: r["amount"]),
    ("Base juridique", lambda r: r["basis"]),
    ("Nature de la charge", lambda r: "Accès à internet (abonnement collectif)"),
]


def monthly_charge_rows(landlord, month):
    """One row per lease charged in `month` (a Month of charges.py), sorted by residence and dwelling."""
    charges = Charges(Lodging.objects.filter(landlord=landlord), month.first, month.last)
    lines = [
        line for lines in charges.lease_months().values() for line in lines if line.chargeable_days or line.provision
    ]
    leases = dict(Lease.objects.filter(pk__in=[line.lease_id for line in lines]).values_list("pk", "reference"))
    lodgings = {
        pk: (rpls_id, internal_id, residence)
        for pk, rpls_id, internal_id, residence in Lodging.objects.filter(
            pk__in={line.lodging_id for line in lines}
        ).values_list("pk", "rpls_id", "internal_id", "residence__name")
    }
    kinds = dict(
        LegalBasis.objects.in_force_on(month.last)
        .filter(residence_id__in={line.residence_id for line in lines})
        .values_list("residence_id", "kind")
    )
    rows = []
    for line in lines:
        rpls_id, internal_id, residence = lodgings[line.lodging_id]
        kind = kinds.get(line.residence_id)
        rows.append(
            {
                "lease": leases[line.lease_id],
                "rpls_id": rpls_id,
                "internal_id": internal_id,
                "residence": residence,
                "month": month.key,
                "days": line.chargeable_days,
                "month_days": month.days,
                "monthly": euros(line.monthly_amount),
                "amount": euros(line.provision),
                "basis": BasisKind(kind).label if kind else "",
            }
        )
    rows.sort(key=lambda r: (r["residence"], r["rpls_id"], r["lease"]))
    return rows


def csv_bytes(columns, rows):
    """';'-separated, decimal commas, UTF-8 with a BOM: what French spreadsheets and billing tools read."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([header for header, _ in columns])
    for row in rows:
        values = []
        for _, getter in columns:
            value = getter(row)
            text = "" if value is None else str(value)
            if not isinstance(value, str) and "." in text:
                text = text.replace(".", ",")
            if text.startswith(("=", "+", "-", "@")) and isinstance(value, str):
                text = "'" + text  # never a formula in a spreadsheet
            values.append(text)
        writer.writerow(values)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


REGULARISATION_COLUMNS = [
    ("Référence du bail", lambda line: line.lease.reference),
    ("IDENT_REP", lambda line: line.lodging.rpls_id),
    ("Résidence", lambda line: line.residence.name),
    ("Nature", lambda line: line.get_kind_display()),
    ("Jours refacturables", lambda line: line.chargeable_days),
    ("Provisions appelées TTC (€)", lambda line: line.provisions),
    ("Coût réel TTC (€)", lambda line: line.actual_cost),
    ("Solde TTC (€)", lambda line: line.balance),
    ("Sens du solde", lambda line: line.balance_label),
    ("Établie le", lambda line: line.created_at.date()),
]


def regularisation_lines(regularisation):
    return (
        RegularisationLine.objects.filter(regularisation=regularisation)
        .select_related("lease", "lodging", "residence")
        .order_by("residence__name", "lodging__rpls_id", "created_at", "pk")
    )
