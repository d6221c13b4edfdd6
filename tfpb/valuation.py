"""The connectivity line valued from real data: what the landlord paid for its tenants' internet.

For the local line "Accès à la connexion internet des locataires", the application proposes the
realised amount: the landlord's share of the subscription costs not charged to tenants, for its
dwellings in the QPV that year, with the calculation shown. The figures belong to the
subscriptions app (below this one); its agreed interface is

    subscriptions.valuation.landlord_connectivity_cost(*, landlord, qpv, year) -> CostBreakdown

where CostBreakdown has `total: Decimal` (euros TTC borne by the landlord) and
`lines: list[tuple[str, Decimal]]` (the calculation, French labels). Until that app is installed
there is no proposal: the screens say it will come, and never show a made-up figure.
"""

from django.apps import apps


def connectivity_proposal(*, landlord, qpv, year):
    """The CostBreakdown proposed for the connectivity line, or None while subscriptions are not tracked."""
    if not apps.is_installed("subscriptions"):
        return None
    from subscriptions.valuation import landlord_connectivity_cost

    return landlord_connectivity_cost(landlord=landlord, qpv=qpv, year=year)
