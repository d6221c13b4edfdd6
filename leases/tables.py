import django_tables2 as tables
from django.utils.html import format_html

from .models import ImportBatch, ImportState

STATE_BADGES = {
    ImportState.APPLIED: "badge-ok",
    ImportState.READY: "badge-info",
    ImportState.INVALID: "badge-danger",
    ImportState.CANCELLED: "",
}


class ImportBatchTable(tables.Table):
    caption = "Historique des imports"
    created_at = tables.DateTimeColumn(format="d/m/Y H:i", verbose_name="Déposé le", linkify=True)
    kind = tables.Column("Type")
    landlord = tables.Column("Bailleur")
    file_name = tables.Column("Fichier")
    created_by = tables.Column("Par", default="ligne de commande")
    state = tables.Column("État")
    created_count = tables.Column("Créés", attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    updated_count = tables.Column("Modifiés", attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    unchanged_count = tables.Column("Inchangés", attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    absent_count = tables.Column("Absents", attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    error_count = tables.Column("Erreurs", attrs={"td": {"class": "num"}, "th": {"class": "num"}})

    class Meta:
        model = ImportBatch
        fields = (
            "created_at",
            "kind",
            "landlord",
            "file_name",
            "created_by",
            "state",
            "created_count",
            "updated_count",
            "unchanged_count",
            "absent_count",
            "error_count",
        )
        empty_text = "Aucun import pour l'instant."
        orderable = False

    def render_state(self, record):
        badge = STATE_BADGES.get(record.state, "badge-warn")
        return format_html('<span class="badge {}">{}</span>', badge, record.get_state_display())
