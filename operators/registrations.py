"""What operators add to the foundation's extension points (accounts.registry)."""

from django.db.models import Exists, OuterRef, Q

from accounts.models import Kind, memberships_of
from accounts.registry import register_home_panel, register_home_step, register_nav, register_visibility


def residences_seen_by_operators(user):
    """An operator sees the residences of every published tender (the perimeter is part of the
    public notice) and of its own contracts."""
    from .models import PUBLIC_TENDER_STATES, Contract, Tender

    if Kind.OPERATOR not in user.kinds:
        return Q(pk__in=[])
    mine = memberships_of(user).values("organization")
    return Q(Exists(Tender.objects.filter(residences=OuterRef("pk"), state__in=PUBLIC_TENDER_STATES))) | Q(
        Exists(Contract.objects.filter(residences=OuterRef("pk"), operator__in=mine))
    )


def lodgings_seen_by_operators(user):
    """Dwelling by dwelling, an operator sees only the perimeter of its own contracts (to roll
    them out); a tender shows counts per QPV, not the dwellings."""
    from .models import Contract

    if Kind.OPERATOR not in user.kinds:
        return Q(pk__in=[])
    mine = memberships_of(user).values("organization")
    return Q(Exists(Contract.objects.filter(residences=OuterRef("residence"), operator__in=mine)))


def home_panel(request):
    from django.utils import timezone

    from .models import Bid, BidState, Tender, TenderState

    user = request.user
    tenders = Tender.objects.visible_to(user)
    now = timezone.now()
    landlord_ids = memberships_of(user).filter(organization__kind=Kind.LANDLORD).values("organization")
    return {
        "kind": Kind.OPERATOR if Kind.OPERATOR in user.kinds else "",
        "open_count": tenders.open_for_bids(now).count(),
        "to_open": Tender.objects.filter(landlord__in=landlord_ids)
        .filter(Q(state=TenderState.CLOSED) | Q(state=TenderState.PUBLISHED, deadline__lte=now))
        .count(),
        "drafts": Bid.objects.visible_to(user)
        .filter(state=BidState.DRAFT, operator__in=memberships_of(user).values("organization"))
        .count(),
    }


def tenders_published(ids):
    from .models import PUBLIC_TENDER_STATES, Tender

    tenders = Tender.objects.filter(landlord__in=ids, state__in=PUBLIC_TENDER_STATES)
    return tenders.values_list("landlord", flat=True).order_by().distinct()


def register():
    everyone = [Kind.LANDLORD, Kind.OPERATOR, Kind.CITY, Kind.STATE]
    register_nav("Appels d'offres", "operators:tender_list", everyone, order=30)
    register_nav("Mes offres", "operators:bid_list", [Kind.OPERATOR], order=31)
    register_nav("Marchés", "operators:contract_list", everyone, order=32)
    register_home_panel("operators/home_panel.html", everyone, context=home_panel, order=30)
    register_home_step("tender_published", [Kind.LANDLORD], tenders_published)
    register_visibility("leases.Residence", residences_seen_by_operators)
    register_visibility("leases.Lodging", lodgings_seen_by_operators)
