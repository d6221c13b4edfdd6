"""The monthly history kept per residence, and each operator's active subscriptions per month.

The rows are derived data: they are dropped here and the next `run_deadlines` rebuilds them all
(monitoring/history.py: a missing HistoryState means a full rebuild).
"""

import django.db.models.deletion
from django.db import migrations, models


def forget_history(apps, schema_editor):
    apps.get_model("monitoring", "MonthlyStock").objects.all().delete()
    apps.get_model("monitoring", "HistoryState").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("leases", "0001_initial"),
        ("monitoring", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forget_history, migrations.RunPython.noop),
        migrations.AddField(
            model_name="monthlystock",
            name="residence",
            # The table is empty (forget_history): the default is never written.
            field=models.ForeignKey(
                default=0,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="leases.residence",
                verbose_name="résidence",
            ),
            preserve_default=False,
        ),
        migrations.AlterModelOptions(
            name="monthlystock",
            options={
                "ordering": ["month", "landlord", "commune", "residence", "qpv"],
                "verbose_name": "état mensuel du parc",
                "verbose_name_plural": "états mensuels du parc",
            },
        ),
        migrations.AddIndex(
            model_name="monthlystock",
            index=models.Index(fields=["residence", "month"], name="monthly_residence_month"),
        ),
        migrations.CreateModel(
            name="MonthlyOperatorActive",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField(verbose_name="mois")),
                ("commune", models.CharField(max_length=5, verbose_name="commune (INSEE)")),
                (
                    "active",
                    models.PositiveIntegerField(default=0, verbose_name="avec un abonnement actif de l'opérateur"),
                ),
                (
                    "landlord",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.organization",
                        verbose_name="bailleur",
                    ),
                ),
                (
                    "operator",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.organization",
                        verbose_name="opérateur",
                    ),
                ),
                (
                    "qpv",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="leases.qpv",
                        verbose_name="QPV",
                    ),
                ),
                (
                    "residence",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="leases.residence",
                        verbose_name="résidence",
                    ),
                ),
            ],
            options={
                "verbose_name": "abonnements actifs d'un opérateur, par mois",
                "verbose_name_plural": "abonnements actifs des opérateurs, par mois",
                "ordering": ["month", "operator", "residence", "qpv"],
                "indexes": [
                    models.Index(fields=["operator", "month"], name="monthly_operator_month"),
                    models.Index(fields=["commune", "month"], name="monthly_op_commune_month"),
                ],
            },
        ),
    ]
