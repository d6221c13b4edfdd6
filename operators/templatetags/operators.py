from django import template

from ..models import TenderState
from ..tables import countdown as time_left

register = template.Library()

BADGES = {
    TenderState.PUBLISHED: "badge-info",
    TenderState.CLOSED: "badge-warn",
    TenderState.AWARDED: "badge-ok",
    TenderState.CONTRACTED: "badge-ok",
    TenderState.CANCELLED: "badge-danger",
    TenderState.UNSUCCESSFUL: "badge-danger",
}


@register.filter
def countdown(deadline):
    """Time left before `deadline`, rendered by the server ("3 jours, 4 heures"); empty once passed."""
    return time_left(deadline) or ""


@register.filter
def tender_badge(state):
    return BADGES.get(state, "")
