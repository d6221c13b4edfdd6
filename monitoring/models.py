"""What the monitoring keeps of its own: the monthly history of the housing stock.

Everything else on the dashboards is read live from the other apps. The month-by-month history
is the exception: replaying every dated equipment event and subscription status of a territory for
each month is too slow for a page at national scale, so the figures of closed months are kept
here, one row per month, residence and QPV (monitoring/history.py writes them; run_deadlines keeps
them right): a territory, a landlord and an operator's perimeter (residences) are all sums of rows.
"""

from django.db import models

from accounts.models import Organization
from leases.models import Qpv, Residence


class MonthlyStock(models.Model):
    """The dwellings of one residence in one QPV (none: outside any QPV), with their landlord and
    commune, as they stood at the end of one closed month, replayed from the dated events.

    - `dwellings`: in the stock that day (not yet sold or demolished);
    - `equipped`: with a box installed (the latest effective event on or before that day says so);
    - `outlet`: with a fibre outlet or a box;
    - `active`: with an active internet subscription (one at least, whatever the number of contracts).
    Only monitoring/history.py writes these rows (set-based SQL); nothing else may.
    """

    month = models.DateField("mois")  # its first day; the figures are those of its last day
    residence = models.ForeignKey(Residence, on_delete=models.CASCADE, related_name="+", verbose_name="résidence")
    landlord = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", verbose_name="bailleur")
    commune = models.CharField("commune (INSEE)", max_length=5)
    qpv = models.ForeignKey(Qpv, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="QPV")
    dwellings = models.PositiveIntegerField("logements", default=0)
    equipped = models.PositiveIntegerField("équipés d'une box", default=0)
    outlet = models.PositiveIntegerField("avec prise fibre ou box", default=0)
    active = models.PositiveIntegerField("avec un abonnement actif", default=0)

    class Meta:
        verbose_name = "état mensuel du parc"
        verbose_name_plural = "états mensuels du parc"
        ordering = ["month", "landlord", "commune", "residence", "qpv"]
        indexes = [
            models.Index(fields=["commune", "month"], name="monthly_commune_month"),
            models.Index(fields=["landlord", "month"], name="monthly_landlord_month"),
            models.Index(fields=["qpv", "month"], name="monthly_qpv_month"),
            models.Index(fields=["residence", "month"], name="monthly_residence_month"),
            models.Index(fields=["month"], name="monthly_month"),
        ]

    def __str__(self):
        return f"{self.month:%m/%Y} — {self.commune} — {self.dwellings} logements"


class MonthlyOperatorActive(models.Model):
    """The dwellings of one residence in one QPV with an active subscription under one operator's
    contracts (one at least) at the end of one closed month: an operator's dashboard counts its own
    subscriptions, never a rival's on the same dwellings. Rows only where that count is not zero;
    written by monitoring/history.py alone, with MonthlyStock.
    """

    month = models.DateField("mois")
    operator = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", verbose_name="opérateur")
    residence = models.ForeignKey(Residence, on_delete=models.CASCADE, related_name="+", verbose_name="résidence")
    landlord = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", verbose_name="bailleur")
    commune = models.CharField("commune (INSEE)", max_length=5)
    qpv = models.ForeignKey(Qpv, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="QPV")
    active = models.PositiveIntegerField("avec un abonnement actif de l'opérateur", default=0)

    class Meta:
        verbose_name = "abonnements actifs d'un opérateur, par mois"
        verbose_name_plural = "abonnements actifs des opérateurs, par mois"
        ordering = ["month", "operator", "residence", "qpv"]
        indexes = [
            models.Index(fields=["operator", "month"], name="monthly_operator_month"),
            models.Index(fields=["commune", "month"], name="monthly_op_commune_month"),
        ]

    def __str__(self):
        return f"{self.month:%m/%Y} — {self.operator_id} — {self.active} abonnements actifs"


class HistoryState(models.Model):
    """One row: which months MonthlyStock holds and what its last refresh saw (monitoring/history.py)."""

    first_month = models.DateField("premier mois conservé", null=True, blank=True)
    last_month = models.DateField("dernier mois calculé", null=True, blank=True)
    checked_at = models.DateTimeField("changements recherchés jusqu'au", null=True, blank=True)
    rebuilt_at = models.DateTimeField("dernier recalcul complet", null=True, blank=True)

    class Meta:
        verbose_name = "état de l'historique mensuel"
        verbose_name_plural = "état de l'historique mensuel"

    def __str__(self):
        return f"Historique {self.first_month} → {self.last_month}"
