"""The city's follow-up as a spreadsheet: columns declared once (accounts.exports).

Numeric values are written as numbers (rounded to 2 decimals) with their unit in its own column,
so that the sheet can be sorted and summed; choices and declarations as French text.
"""

from decimal import Decimal

from .models import ValueType


def _number_or_text(kind, value):
    if value is None or value == "":
        return None
    if kind.value_type == ValueType.NUMBER:
        return float(round(Decimal(str(value)), 2))
    return kind.format_value(value)


def _commitment(attr):
    def get(row):
        return getattr(row.commitment, attr) if row.commitment else None

    return get


def _target(row):
    commitment = row.commitment
    if commitment is None:
        return None
    kind = commitment.kind
    if kind.value_type == ValueType.NUMBER:
        return _number_or_text(kind, commitment.target_value)
    if kind.value_type == ValueType.CHOICE:
        return kind.format_value(commitment.target_choice)
    return commitment.details


def _baseline(row):
    if row.commitment is None or not row.commitment.in_force:
        return None
    return _number_or_text(row.commitment.kind, row.commitment.baseline_value)


def _current(row):
    if row.progress is None or row.progress.measure is None:
        return None
    return _number_or_text(row.commitment.kind, row.progress.value)


def _expected(row):
    if row.progress is None or row.progress.expected is None:
        return None
    return _number_or_text(row.commitment.kind, row.progress.expected)


FOLLOWUP_COLUMNS = [
    ("Organisation", lambda row: row.signature.organization.name),
    ("SIREN", lambda row: row.signature.organization.siren),
    ("Type", lambda row: row.signature.organization.get_kind_display()),
    ("Adhésion", lambda row: row.signature.get_state_display()),
    ("Signée le", lambda row: row.signature.signed_at.date() if row.signature.signed_at else None),
    ("Signataire", lambda row: row.signature.signatory_name),
    ("Fonction", lambda row: row.signature.signatory_function),
    ("Engagement", lambda row: row.commitment.kind.label if row.commitment else None),
    ("Périmètre", _commitment("scope_text")),
    ("Sens", lambda row: row.commitment.kind.get_direction_display() if row.commitment else None),
    ("Cible", _target),
    ("Unité", lambda row: row.commitment.kind.unit if row.commitment else None),
    ("Échéance", _commitment("due_date")),
    ("En vigueur depuis le", _commitment("starts_on")),
    ("Valeur à l'entrée en vigueur", _baseline),
    ("Valeur actuelle", _current),
    ("Attendu aujourd'hui (trajectoire)", _expected),
    ("Statut", lambda row: row.progress.label if row.progress else None),
]
