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


def state_badge(tender):
    css = {
        TenderState.PUBLISHED: "badge-info",
        TenderState.AWARDED: "badge-ok",
        TenderState.CONTRACTED: "badge-ok",
        TenderState.CANCELLED: "badge-danger",
        TenderState.UNSUCCESSFUL: "badge-danger",
        TenderState.CLOSED: "badge-warn",
    }.get(tender.state, "")
    return format_html('<span class="badge {}">{}</span>', css, tender.get_state_display())


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
        return state_badge(record)

    def render_deadline(self, record):
        when = timezone.localtime(record.deadline).strftime("%d/%m/%Y %H:%M")
        left = countdown(record.deadline) if record.state == TenderState.PUBLISHED else None
        if left:
            return format_html("{}<br><small>dans {}</small>", when, left)
        return when


class OpenDataTable(tables.Table):
    """Public: the tenders of the open data, with nothing but what their releases say."""

    reference = tables.Column("Référence")
    title = tables.Column("Objet")
    landlord = tables.Column("Acheteur", accessor="landlord__name", order_by="landlord__name")
    procedure = tables.Column("Procédure")
    published_at = tables.DateTimeColumn(format="d/m/Y", verbose_name="Publié le")
    deadline = tables.DateTimeColumn(format="d/m/Y H:i", verbose_name="Date limite des offres")
    state = tables.Column("État")
    release_count = tables.Column("Publications OCDS")

    caption = "Appels d'offres publiés et nombre de publications OCDS de chacun"

    class Meta:
        model = Tender
        fields = ("reference", "title", "landlord", "procedure", "published_at", "deadline", "state", "release_count")
        empty_text = "Aucun appel d'offres n'a encore été publié."
        order_by = ("-published_at",)

    def render_state(self, record):
        return state_badge(record)
