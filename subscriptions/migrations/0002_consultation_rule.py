"""Seed the tenant-consultation rule (domain.md §4): data, not code. Editable in the Django admin."""

import datetime
from decimal import Decimal

from django.db import migrations

RULES = [
    {
        "label": "Accord collectif proposé par le bailleur (art. 42 de la loi n° 86-1290)",
        "valid_from": datetime.date(2000, 1, 1),
        "quorum_percent": Decimal("25.00"),
        "majority_percent": Decimal("50.00"),
        "second_round_quorum_percent": Decimal("0.00"),
        "to_check": True,
        "source": "Art. 42 de la loi n° 86-1290 du 23 décembre 1986 : accord approuvé par écrit par la majorité "
        "des locataires ayant répondu, à condition qu'au moins 25 % des locataires concernés aient répondu ; "
        "à défaut, une nouvelle consultation décide à la majorité des locataires ayant répondu. "
        "Rédaction actuelle à vérifier sur Légifrance.",
    },
]


def seed(apps, schema_editor):
    ConsultationRule = apps.get_model("subscriptions", "ConsultationRule")
    for rule in RULES:
        ConsultationRule.objects.update_or_create(valid_from=rule["valid_from"], defaults=rule)


class Migration(migrations.Migration):
    dependencies = [("subscriptions", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
