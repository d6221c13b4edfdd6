"""The national axes, the shared connectivity line and the signature deadline rules, as data.

Axes: cadre national d'utilisation de l'abattement de TFPB (29 April 2015, amended
30 September 2021), labels copied from domain.md §3. Deadline rules: CGI art. 1388 bis as
summarised in domain.md §3, marked "à vérifier" until confirmed on Légifrance.
"""

from django.db import migrations

AXES = [
    (1, "Renforcement de la présence du personnel de proximité"),
    (2, "Formation/soutien des personnels de proximité"),
    (3, "Sur-entretien"),
    (4, "Gestion des déchets et encombrants / épaves"),
    (5, "Tranquillité résidentielle"),
    (6, "Concertation / sensibilisation des locataires"),
    (7, "Animation, lien social, vivre ensemble"),
    (8, "Petits travaux d'amélioration de la qualité de service"),
]

CONNECTIVITY = ("connectivity", 7, "Accès à la connexion internet des locataires")

RULES = [
    # (first_year, years_before, last_month, last_day, description)
    (
        None,
        1,
        9,
        30,
        "Signée avant le 1er octobre de l'année qui précède la première année d'application",
    ),
    (2025, 0, 3, 31, "Conventions appliquées à partir de 2025 : signées au plus tard le 31 mars 2025"),
]


def load(apps, schema_editor):
    Axis = apps.get_model("tfpb", "Axis")
    ActionLine = apps.get_model("tfpb", "ActionLine")
    Rule = apps.get_model("tfpb", "SignatureDeadlineRule")
    for number, label in AXES:
        Axis.objects.update_or_create(number=number, defaults={"label": label})
    code, number, label = CONNECTIVITY
    ActionLine.objects.update_or_create(
        code=code, defaults={"axis": Axis.objects.get(number=number), "label": label, "convention": None}
    )
    for first_year, years_before, month, day, description in RULES:
        Rule.objects.update_or_create(
            first_year=first_year,
            defaults={
                "years_before": years_before,
                "last_month": month,
                "last_day": day,
                "description": description,
                "to_check": True,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("tfpb", "ActionLine").objects.filter(code=CONNECTIVITY[0]).delete()
    apps.get_model("tfpb", "SignatureDeadlineRule").objects.all().delete()
    apps.get_model("tfpb", "Axis").objects.filter(number__in=[n for n, _ in AXES]).delete()


class Migration(migrations.Migration):
    dependencies = [("tfpb", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
