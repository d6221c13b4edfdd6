"""What a landlord paid for its tenants' internet and did not charge them: the TFPB valuation.

The agreed interface (tfpb/valuation.py calls it for the local line "Accès à la connexion
internet des locataires"):

    landlord_connectivity_cost(*, landlord, qpv, year) -> CostBreakdown | None

`total` is in euros TTC: the cost borne by the landlord for its dwellings in that QPV that year
(up to today for the current year), and `lines` shows the calculation with French labels. The
cost is the operator's invoices shared by the residences' keys (the contract's price where no
invoice was entered); what the landlord bears is what its tenants were not charged: vacant
days, days without legal basis or opt-in, its share, and anything above the charter ceiling.

None when none of the landlord's dwellings in the QPV had an active subscription during the year:
nothing is tracked there, and tfpb then shows no proposal rather than a made-up zero.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import number_format

from leases.models import Lodging

from .charges import Charges, euros
from .models import Subscription


@dataclass
class CostBreakdown:
    total: Decimal
    lines: list[tuple[str, Decimal]] = field(default_factory=list)


def _days(n):
    return f"{number_format(n, force_grouping=True)} jour{'s' if n > 1 else ''}-logement"


def landlord_connectivity_cost(*, landlord, qpv, year) -> CostBreakdown | None:
    start = datetime.date(year, 1, 1)
    end = min(datetime.date(year, 12, 31), timezone.localdate())
    lodgings = Lodging.objects.filter(landlord=landlord, qpv=qpv)
    if end < start or not Subscription.objects.filter(lodging__in=lodgings).exists():
        return None
    totals = dict.fromkeys(["cost", "tenants", "vacant", "no_basis", "share", "excess"], 0)
    days = dict.fromkeys(["active", "vacant", "no_basis"], 0)
    dwellings, invoiced_months, priced_months = set(), 0, 0
    for row in Charges(lodgings, start, end).dwelling_months():
        dwellings.add(row.lodging_id)
        totals["cost"] += row.cost
        totals["tenants"] += row.tenants
        totals["vacant"] += row.vacant
        totals["no_basis"] += row.no_basis
        totals["share"] += row.landlord_share
        totals["excess"] += row.excess
        days["active"] += row.active_days
        days["vacant"] += row.vacant_days
        days["no_basis"] += row.no_basis_days
        if row.invoiced:
            invoiced_months += 1
        else:
            priced_months += 1
    if not dwellings:
        return None  # subscriptions there, but none active that year: nothing to value yet
    source = (
        "factures de l'opérateur"
        if not priced_months
        else "prix du marché"
        if not invoiced_months
        else "factures de l'opérateur et, pour les mois non facturés, prix du marché"
    )
    borne = totals["vacant"] + totals["no_basis"] + totals["share"] + totals["excess"]
    n = len(dwellings)
    # The cost less what tenants paid is what the landlord bore; the "dont" lines break it down.
    lines = [
        (
            f"Coût des abonnements TTC : {n} logement{'s' if n > 1 else ''}, {_days(days['active'])} d'abonnement "
            f"actif ({source})",
            euros(totals["cost"]),
        ),
        ("Refacturé aux locataires (coût réel, part locative)", -euros(totals["tenants"])),
        (f"dont logements vacants : {_days(days['vacant'])}, coût entier", euros(totals["vacant"])),
        (
            f"dont jours sans base juridique ou sans adhésion du locataire : {_days(days['no_basis'])}",
            euros(totals["no_basis"]),
        ),
        ("dont part du bailleur sur les jours refacturés (paramètre de chaque résidence)", euros(totals["share"])),
    ]
    if totals["excess"]:
        lines.append(("dont part au-delà du plafond de la charte", euros(totals["excess"])))
    return CostBreakdown(euros(borne), lines)
