"""What the monitoring keeps of its own: the monthly history of the housing stock.

Everything else on the dashboards is read live from the other apps. The month-by-month history
is the exception: replaying every dated equipment event of a territory for each month is too slow
for a page at national scale, so the figures of closed months are kept here, one row per month,
landlord, commune and QPV (monitoring/history.py writes them; run_deadlines keeps them right).
"""

from django.db import models

from accounts.models import Organization
from leases.models import Qpv


class MonthlyStock(models.Model):
    """The dwellings of one landlord in one commune and one QPV (none: outside any QPV), as they stood
    at the end of one closed month, replayed from the dated equipment events.

    - `dwellings`: in the stock that day (not yet sold or demolished);
    - `equipped`: with a box installed (the latest effective event on or before that day says so);
    - `outlet`: with a fibre outlet or a box;
    - `active`: with an active internet subscription (one at least, whatever the number of contracts).
    Only monitoring/history.py writes these rows (set-based SQL); nothing else may.
    """

    month = models.DateField("mois")  # its first day; the figures are those of its last day
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
        ordering = ["month", "landlord", "commune", "qpv"]
        indexes = [
            models.Index(fields=["commune", "month"], name="monthly_commune_month"),
            models.Index(fields=["landlord", "month"], name="monthly_landlord_month"),
            models.Index(fields=["qpv", "month"], name="monthly_qpv_month"),
            models.Index(fields=["month"], name="monthly_month"),
        ]

    def __str__(self):
        return f"{self.month:%m/%Y} — {self.commune} — {self.dwellings} logements"


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
