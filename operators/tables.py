import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timeuntil

from .models import Tender, TenderState


def countdown(deadline, now=None):
    """Server-rendered time left before the deadline ("12 jours, 3 heures"), or None once passed."""
    now = now or timezone.now()
    if deadline is None or deadline <= now:
        return None
    return timeuntil(deadline, now)


class TenderTable(tables.Table):
    reference = tables.Column("Référence", linkify=True)
    title = tables.Column("Objet")
    landlord = tables.Column("Bailleur", accessor="landlord__name", order_by="landlord__name")
    state = tables.Column("État")
    deadline = tables.Column("Date limite des offres")
    bid_count = tables.Column("Offres reçues", orderable=False)

    class Meta:
        model = Tender
        fields = ("reference", "title", "landlord", "state", "deadline", "bid_count")
        empty_text = "Aucun appel d'offres ne correspond à ces critères."
        order_by = ("deadline",)

    def render_state(self, record):
        css = {
            TenderState.PUBLISHED: "badge-info",
            TenderState.AWARDED: "badge-ok",
            TenderState.CONTRACTED: "badge-ok",
            TenderState.CANCELLED: "badge-danger",
            TenderState.UNSUCCESSFUL: "badge-danger",
            TenderState.CLOSED: "badge-warn",
        }.get(record.state, "")
        return format_html('<span class="badge {}">{}</span>', css, record.get_state_display())

    def render_deadline(self, record):
        when = timezone.localtime(record.deadline).strftime("%d/%m/%Y %H:%M")
        left = countdown(record.deadline) if record.state == TenderState.PUBLISHED else None
        if left:
            return format_html("{}<br><small>dans {}</small>", when, left)
        return when
