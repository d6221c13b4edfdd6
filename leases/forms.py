from pathlib import Path

from django import forms
from django.conf import settings
from django.utils import timezone

from accounts.models import Organization

from .models import EquipmentStatus, ExitReason
from .spreadsheets import EXTENSIONS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def not_in_the_future(day):
    if day > timezone.localdate():
        raise forms.ValidationError("La date ne peut pas être dans le futur.")
    return day


class EquipmentForm(forms.Form):
    """What a dwelling has from a given day: a dated fact, never a plain overwrite."""

    status = forms.ChoiceField(label="Nouvel état d'équipement", choices=EquipmentStatus.choices)
    effective_date = forms.DateField(
        label="Date d'effet",
        widget=DateInput(),
        help_text="Le jour où la prise ou la box a été constatée (aujourd'hui par défaut).",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"status": EquipmentStatus.BOX, "effective_date": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_effective_date(self):
        return not_in_the_future(self.cleaned_data["effective_date"])


class ExitForm(forms.Form):
    """The dwelling left the landlord's stock (sold, demolished…)."""

    reason = forms.ChoiceField(
        label="Motif", choices=[c for c in ExitReason.choices if c[0] != ExitReason.NONE], initial=ExitReason.SOLD
    )
    exited_on = forms.DateField(label="Date de sortie", widget=DateInput())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"exited_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_exited_on(self):
        return not_in_the_future(self.cleaned_data["exited_on"])


class UploadForm(forms.Form):
    """A spreadsheet for one of the landlords the user may edit for."""

    landlord = forms.ModelChoiceField(label="Bailleur", queryset=Organization.objects.none(), empty_label=None)
    file = forms.FileField(
        label="Fichier",
        help_text="Excel (.xlsx) ou CSV (séparateur point-virgule ou virgule). La première ligne contient les noms "
        "des colonnes.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )

    def __init__(self, *args, landlords, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["landlord"].queryset = landlords
        if len(landlords) == 1:
            self.fields["landlord"].widget = forms.HiddenInput()
            self.fields["landlord"].initial = landlords[0].pk

    def clean_file(self):
        """The cheap refusals before anything is stored; the reader checks the content."""
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in EXTENSIONS:
            raise forms.ValidationError("Seuls les fichiers Excel (.xlsx) et CSV (.csv) sont acceptés.")
        if upload.size == 0:
            raise forms.ValidationError("Le fichier est vide.")
        if upload.size > settings.IMPORT_MAX_BYTES:
            limit = settings.IMPORT_MAX_BYTES // (1024 * 1024)
            raise forms.ValidationError(f"Le fichier est trop volumineux : la limite est de {limit} Mo.")
        return upload
