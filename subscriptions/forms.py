import datetime
import re
from decimal import Decimal

from django import forms
from django.utils import timezone

from accounts.templatetags.ui import euros

from .models import AllocationKey, ChargeSetting, Incident, OperatorInvoice, SubscriptionStatus, first_of_month

MAX_REPORT_BYTES = 20 * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MonthField(forms.CharField):
    """A calendar month typed as AAAA-MM (or MM/AAAA); cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "AAAA-MM"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", value) or re.fullmatch(r"(\d{1,2})/(\d{4})", value)
        if match is None:
            raise forms.ValidationError("Indiquez un mois sous la forme AAAA-MM, par exemple 2026-03.")
        year, month = match.groups() if "-" in value else reversed(match.groups())
        try:
            return datetime.date(int(year), int(month), 1)
        except ValueError:
            raise forms.ValidationError("Ce mois n'existe pas.") from None

    def prepare_value(self, value):
        return f"{value:%Y-%m}" if isinstance(value, datetime.date) else value


def not_in_the_future(day):
    if day > timezone.localdate():
        raise forms.ValidationError("La date ne peut pas être dans le futur.")
    return day


# Operator reports and contests


class ReportUploadForm(forms.Form):
    file = forms.FileField(
        label="Rapport (xlsx ou csv)",
        help_text="Colonnes : IDENT_REP, STATUT (installé, actif, suspendu, résilié), DATE_EFFET (jj/mm/aaaa), "
        "et si besoin NUMERO_SERIE (la box) et MOTIF (obligatoire pour une suspension).",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_REPORT_BYTES:
            raise forms.ValidationError("Fichier trop lourd : 20 Mo au plus.")
        return upload


class ContestForm(forms.Form):
    reason = forms.CharField(label="Motif de la contestation", max_length=300)


# Invoices and incidents


class InvoiceForm(forms.ModelForm):
    month = MonthField(label="Mois facturé")

    class Meta:
        model = OperatorInvoice
        fields = ["month", "reference", "amount_ht", "vat_rate"]
        localized_fields = ["amount_ht", "vat_rate"]

    def __init__(self, *args, contract, **kwargs):
        self.contract = contract
        kwargs.setdefault("initial", {"vat_rate": contract.vat_rate})
        super().__init__(*args, **kwargs)

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month > first_of_month(timezone.localdate()):
            raise forms.ValidationError("Un mois à venir ne peut pas encore être facturé.")
        if self.contract.start and month < first_of_month(self.contract.start):
            raise forms.ValidationError(f"Le marché commence le {self.contract.start:%d/%m/%Y}.")
        if OperatorInvoice.objects.filter(contract=self.contract, month=month).exists():
            raise forms.ValidationError(f"La facture de {month:%m/%Y} est déjà saisie pour ce marché.")
        return month


class IncidentForm(forms.ModelForm):
    class Meta:
        model = Incident
        fields = ["reported_at", "description"]
        widgets = {"reported_at": DateTimeInput(), "description": forms.Textarea(attrs={"rows": 3})}
        labels = {"reported_at": "Panne constatée le"}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"reported_at": timezone.localtime().replace(second=0, microsecond=0)})
        super().__init__(*args, **kwargs)

    def clean_reported_at(self):
        moment = self.cleaned_data["reported_at"]
        if moment > timezone.now():
            raise forms.ValidationError("La date ne peut pas être dans le futur.")
        return moment


class ResolveForm(forms.Form):
    resolved_at = forms.DateTimeField(label="Service rétabli le", widget=DateTimeInput())
    resolution = forms.CharField(label="Intervention", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"resolved_at": timezone.localtime().replace(second=0, microsecond=0)})
        super().__init__(*args, **kwargs)


class StatusForm(forms.Form):
    """The landlord records a status itself (the operator usually reports it)."""

    status = forms.ChoiceField(
        label="Nouveau statut", choices=[c for c in SubscriptionStatus.choices if c[0] != SubscriptionStatus.PLANNED]
    )
    effective_date = forms.DateField(label="Date d'effet", widget=DateInput())
    reason = forms.CharField(label="Motif (obligatoire pour une suspension)", max_length=300, required=False)

    def clean_effective_date(self):
        return not_in_the_future(self.cleaned_data["effective_date"])

    def clean(self):
        data = super().clean()
        if data.get("status") == SubscriptionStatus.SUSPENDED and not data.get("reason", "").strip():
            self.add_error("reason", "Indiquez le motif de la suspension.")
        return data


# Legal basis


class AgreementForm(forms.Form):
    signed_on = forms.DateField(label="Accord signé le", widget=DateInput())
    associations = forms.CharField(label="Associations de locataires signataires", max_length=300)
    effective_from = forms.DateField(label="Refacturation possible à partir du", widget=DateInput())

    def clean_signed_on(self):
        return not_in_the_future(self.cleaned_data["signed_on"])


class ConsultationForm(forms.Form):
    proposed_charge = forms.DecimalField(
        label="Montant mensuel proposé aux locataires (€ TTC)",
        max_digits=8,
        decimal_places=2,
        min_value=0,
        localize=True,
    )
    answer_by = forms.DateField(label="Réponses attendues au plus tard le", widget=DateInput())

    def clean_answer_by(self):
        day = self.cleaned_data["answer_by"]
        if day < timezone.localdate():
            raise forms.ValidationError("La date limite des réponses ne peut pas être passée.")
        return day


class VoteForm(forms.Form):
    held_on = forms.DateField(label="Dépouillement le", widget=DateInput())
    consulted = forms.IntegerField(label="Foyers consultés", min_value=1)
    votes_for = forms.IntegerField(label="Voix pour", min_value=0)
    votes_against = forms.IntegerField(label="Voix contre", min_value=0)
    next_answer_by = forms.DateField(
        label="Si le quorum n'est pas atteint : réponses à la seconde consultation attendues le",
        widget=DateInput(),
        required=False,
    )

    def clean_held_on(self):
        return not_in_the_future(self.cleaned_data["held_on"])


class OptInBasisForm(forms.Form):
    effective_from = forms.DateField(label="Adhésions individuelles à partir du", widget=DateInput())


class EndBasisForm(forms.Form):
    on = forms.DateField(label="Dernier jour de refacturation", widget=DateInput())
    reason = forms.CharField(label="Motif", max_length=300)


class OptInForm(forms.Form):
    opted_in_on = forms.DateField(label="Adhésion le", widget=DateInput())

    def clean_opted_in_on(self):
        return not_in_the_future(self.cleaned_data["opted_in_on"])


class OptOutForm(forms.Form):
    opted_out_on = forms.DateField(label="Renonciation le", widget=DateInput())


# Money


class ChargeSettingForm(forms.Form):
    """The landlord's share in a residence from a month on; refused above the charter ceiling."""

    valid_from = MonthField(label="À partir du mois de")
    landlord_share_percent = forms.DecimalField(
        label="Part prise en charge par le bailleur (%)",
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        localize=True,
    )
    allocation_key = forms.ChoiceField(label="Clé de répartition du coût réel", choices=AllocationKey.choices)
    # The last setting recorded when the form was shown: a stale form is refused, never a silent overwrite.
    seen = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, residence, prices, ceiling, landlord, **kwargs):
        """prices: the unit prices TTC of the residence's contracts; ceiling: the charter ceiling (€) or None."""
        self.residence, self.prices, self.ceiling, self.landlord = residence, prices, ceiling, landlord
        current = ChargeSetting.objects.for_month(residence, timezone.localdate())
        kwargs.setdefault(
            "initial",
            {
                "valid_from": first_of_month(timezone.localdate()),
                "landlord_share_percent": current.landlord_share_percent if current else None,
                "allocation_key": current.allocation_key if current else AllocationKey.PER_DWELLING,
                "seen": self.last_recorded(residence),
            },
        )
        super().__init__(*args, **kwargs)

    @staticmethod
    def last_recorded(residence):
        return (
            ChargeSetting.objects.filter(residence=residence)
            .order_by("-created_at", "-pk")
            .values_list("pk", flat=True)
            .first()
            or 0
        )

    def clean(self):
        data = super().clean()
        share = data.get("landlord_share_percent")
        if share is None or self.ceiling is None:
            return data
        for price in self.prices:
            amount = ChargeSetting(landlord_share_percent=share).tenant_amount(price)
            if amount > self.ceiling:
                needed = ((1 - self.ceiling / price) * 100).quantize(Decimal("0.01"))
                raise forms.ValidationError(
                    f"Les locataires paieraient {euros(amount)} TTC par mois, au-dessus du plafond de "
                    f"{euros(self.ceiling)} TTC auquel {self.landlord} s'est engagé dans la charte. "
                    f"Portez la part du bailleur à {needed} % au moins."
                )
        return data


class ExportForm(forms.Form):
    month = MonthField(label="Mois")
    format = forms.ChoiceField(label="Format", choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV (;)")])


class RegularisationForm(forms.Form):
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    period_end = forms.DateField(
        label="Arrêtée au (laisser vide pour le 31 décembre)",
        widget=DateInput(),
        required=False,
        help_text="Une régularisation peut être arrêtée plus tôt, à la fin d'un mois écoulé.",
    )

    def clean(self):
        data = super().clean()
        year, end = data.get("year"), data.get("period_end")
        if year and end and end.year != year:
            self.add_error("period_end", "La date d'arrêt doit être dans l'année choisie.")
        return data
