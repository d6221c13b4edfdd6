"""The connectivity line valued from real data: what the landlord paid for its tenants' internet.

For the local line "Accès à la connexion internet des locataires", the application proposes the
realised amount: the landlord's share of the subscription costs not charged to tenants, for its
dwellings in the QPV that year, with the calculation shown. The figures belong to the
subscriptions app, below this one:

    subscriptions.valuation.landlord_connectivity_cost(*, landlord, qpv, year) -> CostBreakdown | None

where CostBreakdown has `total: Decimal` (euros TTC borne by the landlord) and
`lines: list[tuple[str, Decimal]]` (the calculation, French labels). None when the landlord had no
active subscription in that QPV that year: the screens then say so (NO_PROPOSAL) and never show a
made-up figure.
"""

from subscriptions.valuation import CostBreakdown, landlord_connectivity_cost

NO_PROPOSAL = "aucun abonnement actif dans ce QPV cette année"


def connectivity_proposal(*, landlord, qpv, year) -> CostBreakdown | None:
    """The CostBreakdown proposed for the connectivity line of `landlord` in `qpv` for `year`, or None."""
    return landlord_connectivity_cost(landlord=landlord, qpv=qpv, year=year)
