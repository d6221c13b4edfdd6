"""The stock as a spreadsheet, with the RPLS column names the import reads (leases/imports.py).

Export then import is a lossless round trip: the columns are the import's own declarations,
codes are written as text (leading zeros kept), numbers as numbers, and the equipment columns
(ignored by the dwelling import) are the ones the equipment import reads.
"""

import datetime

from accounts.exports import xlsx_bytes

from .imports import EQUIPMENT_SPECS, LEASE_SPECS, LODGING_SPECS, OUTSIDE_QPV
from .models import EquipmentStatus, ImportKind, Lodging

EQUIPMENT_COLUMNS = ["EQUIPEMENT", "DATE_EQUIPEMENT"]
EQUIPMENT_LABELS = dict(EquipmentStatus.choices)
OUTSIDE = OUTSIDE_QPV[1]  # "HZ", as the RPLS writes it


def _value_fields():
    """values_list() fields, in the order of the columns."""
    fields = ["qpv__code" if spec.field == "qpv" else spec.field for spec in LODGING_SPECS]
    return [*fields, "equipment_status", "equipment_date"]


def lodging_columns():
    """(header, getter) pairs over the tuples of lodging_rows()."""
    columns = []
    for index, spec in enumerate(LODGING_SPECS):
        if spec.field == "qpv":
            columns.append((spec.column.name, lambda row, i=index: row[i] or OUTSIDE))
        else:
            columns.append((spec.column.name, lambda row, i=index: row[i]))
    status, day = len(LODGING_SPECS), len(LODGING_SPECS) + 1
    columns.append(("EQUIPEMENT", lambda row: EQUIPMENT_LABELS[row[status]]))
    columns.append(("DATE_EQUIPEMENT", lambda row: row[day]))
    return columns


def lodging_rows(queryset):
    return queryset.order_by("rpls_id").values_list(*_value_fields()).iterator(chunk_size=5_000)


def lodgings_xlsx(queryset):
    return xlsx_bytes([("Logements", lodging_columns(), lodging_rows(queryset))])


# Blank templates: the columns, one example line, and a sheet that explains them.

_DESCRIPTIONS = {
    "PLG_QP24": "code du QPV 2024 (QN…) ; HZ ou vide : hors QPV. Accepté aussi sous le nom QPV_CODE",
    "TYPECONST": "I individuel, C collectif, E étudiant",
    "REFERENCE_BAIL": "votre référence du bail, sans nom de locataire",
    "DATE_DEBUT": "date de début du bail (jj/mm/aaaa)",
    "DATE_FIN": "date de fin du bail, vide s'il est en cours",
    "EQUIPEMENT": "Non équipé, Prise fibre présente ou Box installée",
    "DATE_EQUIPEMENT": "date à laquelle l'équipement est en place (jj/mm/aaaa)",
    "IDENT_REP": "identifiant RPLS du logement (10 caractères)",
}


def _description(spec):
    if spec.column.name in _DESCRIPTIONS:
        return _DESCRIPTIONS[spec.column.name]
    try:
        return str(Lodging._meta.get_field(spec.field).verbose_name)
    except Exception:  # noqa: BLE001 (a lease or equipment column with no lodging field)
        return ""


def template_xlsx(kind):
    """An empty spreadsheet for `kind`: its columns and one example line, then a notice."""
    specs = {ImportKind.LODGINGS: LODGING_SPECS, ImportKind.LEASES: LEASE_SPECS, ImportKind.EQUIPMENT: EQUIPMENT_SPECS}[
        kind
    ]
    today = datetime.date.today()
    example = {
        "DATE_DEBUT": datetime.date(today.year - 1, 9, 1),
        "DATE_EQUIPEMENT": today.replace(day=1),
    }
    row = [example.get(spec.column.name, spec.example) for spec in specs]
    data = [(spec.column.name, lambda values, i=index: values[i]) for index, spec in enumerate(specs)]
    notice = [
        ("Colonne", lambda spec: spec.column.name),
        ("Obligatoire", lambda spec: "oui" if spec.column.required else "non"),
        ("Contenu", _description),
    ]
    return xlsx_bytes([(str(ImportKind(kind).label), data, [row]), ("Notice", notice, specs)])
