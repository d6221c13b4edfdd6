import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .models import FIBRE_READY_STATES, EquipmentStatus, FibreState, ImportBatch, ImportState, Lodging, Residence

EQUIPMENT_BADGES = {EquipmentStatus.BOX: "badge-ok", EquipmentStatus.OUTLET: "badge-info", EquipmentStatus.NONE: ""}


def equipment_badge(status, label):
    return format_html('<span class="badge {}">{}</span>', EQUIPMENT_BADGES.get(status, ""), label)


def fibre_badge(state):
    if state in FIBRE_READY_STATES:
        css = "badge-ok"
    elif state in ("", FibreState.ABANDONED):
        css = ""
    else:
        css = "badge-warn"
    label = FibreState(state).label if state in FibreState.values else state
    return format_html('<span class="badge {}">{}</span>', css, label)


class SelectColumn(tables.Column):
    """A checkbox per editable dwelling, tied to the bulk equipment form by its `form` attribute
    (the form sits below the table, the filters above it: no nested forms)."""

    def __init__(self, form_id, **kwargs):
        self.form_id = form_id
        header = mark_safe(
            f'<input type="checkbox" form="{form_id}" data-select-all aria-label="Tout sélectionner sur cette page">'
        )
        super().__init__(verbose_name=header, accessor="pk", orderable=False, empty_values=(), **kwargs)

    def render(self, record, table):
        if record.landlord_id not in table.editable_landlords or not record.in_stock:
            return ""
        return format_html(
            '<input type="checkbox" name="lodgings" value="{}" form="{}" aria-label="Sélectionner le logement {}"{}>',
            record.pk,
            self.form_id,
            record.rpls_id,
            mark_safe(" checked") if record.pk in table.selected else "",
        )


class LodgingTable(tables.Table):
    """Dwellings over a `visible_to` queryset with `select_related("residence", "qpv", "landlord")`
    and `with_occupancy()`: a constant number of queries whatever the page."""

    select = SelectColumn("selection")
    rpls_id = tables.Column("IDENT_REP", linkify=True)
    address = tables.Column("Adresse", accessor="street_name", order_by=("street_name", "street_number", "rpls_id"))
    residence = tables.Column("Résidence", linkify=True, order_by=("residence__name", "rpls_id"))
    commune_name = tables.Column("Commune", order_by=("commune_name", "rpls_id"))
    qpv = tables.Column("QPV", accessor="qpv__code", default="Hors QPV", order_by=("qpv__code", "rpls_id"))
    landlord = tables.Column("Bailleur", accessor="landlord__name", order_by=("landlord__name", "rpls_id"))
    equipment_status = tables.Column("Équipement", order_by=("equipment_status", "rpls_id"))
    fibre = tables.Column(
        "Fibre (ARCEP)",
        accessor="residence__fibre_state",
        empty_values=(),
        order_by=("residence__fibre_state", "rpls_id"),
    )
    is_let = tables.Column("Occupation", empty_values=(), order_by=("is_let", "rpls_id"))
    exit_reason = tables.Column("Sortie du parc", empty_values=(), order_by=("exit_reason", "rpls_id"))

    caption = "Logements"

    class Meta:
        model = Lodging
        fields = []
        sequence = (
            "select",
            "rpls_id",
            "address",
            "residence",
            "commune_name",
            "qpv",
            "landlord",
            "equipment_status",
            "fibre",
            "is_let",
            "exit_reason",
        )
        order_by_field = "sort"
        empty_text = "Aucun logement ne correspond à ces critères."

    def __init__(self, *args, editable_landlords=(), selected=(), **kwargs):
        self.editable_landlords = set(editable_landlords)
        self.selected = set(selected)
        super().__init__(*args, **kwargs)

    def render_address(self, record):
        street = " ".join(
            p for p in [record.street_number + record.repetition, record.street_type, record.street_name] if p
        )
        if record.location:
            return format_html('{}<br><span class="muted">{}</span>', street, record.location)
        return street

    def render_qpv(self, record):
        return format_html('<abbr title="{}">{}</abbr>', record.qpv.name, record.qpv.code)

    def render_equipment_status(self, record):
        badge = equipment_badge(record.equipment_status, record.get_equipment_status_display())
        if record.equipment_date:
            return format_html(
                '{}<br><span class="muted">depuis le {}</span>', badge, f"{record.equipment_date:%d/%m/%Y}"
            )
        return badge

    def render_fibre(self, record):
        return fibre_badge(record.residence.fibre_state)

    def render_is_let(self, value):
        return "Occupé" if value else "Vacant"

    def render_exit_reason(self, record):
        if record.in_stock:
            return "—"
        if record.exited_on:
            return f"{record.get_exit_reason_display()} le {record.exited_on:%d/%m/%Y}"
        return record.get_exit_reason_display()


class ResidenceTable(tables.Table):
    """Residences over `visible_to(...).with_counts()` (annotations: lodging_count, equipped_count, equipped_rate)."""

    name = tables.Column("Résidence", linkify=True)
    landlord = tables.Column("Bailleur", accessor="landlord__name")
    commune_name = tables.Column("Commune")
    qpv = tables.Column("QPV", accessor="qpv__code", default="Hors QPV")
    lodging_count = tables.Column("Logements")
    equipped_count = tables.Column("Équipés (box)")
    equipped_rate = tables.Column("Taux d'équipement", empty_values=())
    fibre_state = tables.Column("Fibre (ARCEP)", empty_values=())

    caption = "Résidences"

    class Meta:
        model = Residence
        fields = []
        sequence = (
            "name",
            "landlord",
            "commune_name",
            "qpv",
            "lodging_count",
            "equipped_count",
            "equipped_rate",
            "fibre_state",
        )
        order_by_field = "sort"
        empty_text = "Aucune résidence ne correspond à ces critères."

    def render_qpv(self, record):
        return format_html('<abbr title="{}">{}</abbr>', record.qpv.name, record.qpv.code)

    def render_equipped_rate(self, value):
        if value is None:
            return "—"
        return format_html(
            '<span class="progress" aria-hidden="true"><span style="width: {}%"></span></span> {} %',
            round(value),
            round(value),
        )

    def render_fibre_state(self, record):
        badge = fibre_badge(record.fibre_state)
        if record.fibre_match_confidence is None:
            return badge
        return format_html(
            '{}<br><span class="muted">confiance {}</span>',
            badge,
            record.fibre_confidence_label.split(" :")[0].lower(),
        )


class UnmatchedResidenceTable(tables.Table):
    """Residences no ARCEP building was matched to, with the address the matching tried."""

    name = tables.Column("Résidence", linkify=True)
    landlord = tables.Column("Bailleur", accessor="landlord__name")
    address = tables.Column("Adresse")
    commune_name = tables.Column("Commune")
    fibre_updated_at = tables.Column("Dernier rapprochement", empty_values=())

    caption = "Résidences sans immeuble ARCEP rapproché"

    class Meta:
        model = Residence
        fields = []
        sequence = ("name", "landlord", "address", "commune_name", "fibre_updated_at")
        order_by_field = "sort"
        empty_text = "Toutes les résidences ont été rapprochées d'un immeuble ARCEP."

    def render_fibre_updated_at(self, value):
        if value is None:
            return "Jamais (commune absente des fichiers importés)"
        return f"{timezone.localtime(value):%d/%m/%Y} : aucun immeuble à cette adresse"


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
