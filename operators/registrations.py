"""What operators add to the foundation's extension points (accounts.registry)."""

from django.db.models import Exists, OuterRef, Q

from accounts.models import Kind, memberships_of
from accounts.registry import register_visibility


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


def register():
    register_visibility("leases.Residence", residences_seen_by_operators)
    register_visibility("leases.Lodging", lodgings_seen_by_operators)
