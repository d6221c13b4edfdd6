import re

from django.core.exceptions import ValidationError

INSEE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


def luhn_ok(digits: str) -> bool:
    """Luhn checksum, as used by the SIREN (INSEE, répertoire SIRENE)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        n = int(char)
        if index % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def normalize_siren(value: str) -> str:
    return re.sub(r"\s", "", str(value or ""))


def validate_siren(value: str) -> None:
    value = normalize_siren(value)
    if not re.fullmatch(r"\d{9}", value):
        raise ValidationError("Le SIREN doit comporter exactement 9 chiffres.", code="format")
    if not luhn_ok(value):
        raise ValidationError(
            "Ce SIREN n'est pas valide : sa clé de contrôle (algorithme de Luhn) ne correspond pas.",
            code="checksum",
        )


def normalize_insee(value) -> str:
    """An INSEE commune code as text, restoring the leading zero a spreadsheet strips (1053 -> 01053)."""
    value = str(value or "").strip().upper()
    if value.endswith(".0"):
        value = value[:-2]
    if value.isdigit() and len(value) == 4:
        value = "0" + value
    return value


def validate_insee(value: str) -> None:
    if not INSEE_RE.match(value or ""):
        raise ValidationError(
            "« %(value)s » n'est pas un code commune INSEE (5 caractères, par exemple 86194 ou 2A004).",
            params={"value": value},
            code="insee",
        )


def parse_insee_list(text: str) -> list[str]:
    """Codes separated by commas, spaces, semicolons or '|', normalised, deduplicated, in order."""
    codes = []
    for raw in re.split(r"[\s,;|]+", text or ""):
        if raw:
            code = normalize_insee(raw)
            validate_insee(code)
            if code not in codes:
                codes.append(code)
    return codes
