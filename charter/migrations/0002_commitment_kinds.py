"""Seeds the kinds of commitment (charter/kinds.py holds the list)."""

from django.db import migrations

from charter.kinds import KINDS, ensure_default_kinds


def seed(apps, schema_editor):
    ensure_default_kinds(apps.get_model("charter", "CommitmentKind"))


def unseed(apps, schema_editor):
    apps.get_model("charter", "CommitmentKind").objects.filter(code__in=[k[0] for k in KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("charter", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
