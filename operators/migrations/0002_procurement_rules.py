"""Seed the rule figures (domain.md §8): data, not code. Editable in the Django admin."""

import datetime
from decimal import Decimal

from django.db import migrations

COMMON = {
    "formal_min_days": 30,  # CCP R2161-3: 35 days, 30 with electronic bids (ours)
    "adapted_min_days": 15,  # CCP R2131-12: a "reasonable" time; a local floor [à vérifier]
    "formal_answer_days": 6,  # CCP R2132-6
    "adapted_answer_days": 0,
    "formal_standstill_days": 11,  # CCP R2182-1
    "adapted_standstill_days": 0,
    "abnormally_low_ratio": Decimal("0.70"),  # local setting; CCP R2152-3 asks for a justification
}

RULES = [
    {
        "label": "Seuils européens 2024-2025",
        "valid_from": datetime.date(2024, 1, 1),
        "valid_until": datetime.date(2025, 12, 31),
        "formal_threshold_ht": Decimal("221000.00"),
        "to_check": False,
        "source": "Règlement délégué (UE) 2023/2495 ; avis du 8 décembre 2023 (seuils des marchés de services "
        "des pouvoirs adjudicateurs non centraux : 221 000 € HT).",
    },
    {
        "label": "Seuils européens à partir de 2026",
        "valid_from": datetime.date(2026, 1, 1),
        "valid_until": None,
        "formal_threshold_ht": Decimal("216000.00"),
        "to_check": True,
        "source": "216 000 € HT annoncé pour 2026-2027 : à vérifier sur Légifrance avant usage.",
    },
]


def seed(apps, schema_editor):
    ProcurementRule = apps.get_model("operators", "ProcurementRule")
    for rule in RULES:
        ProcurementRule.objects.update_or_create(valid_from=rule["valid_from"], defaults={**COMMON, **rule})


class Migration(migrations.Migration):
    dependencies = [("operators", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
