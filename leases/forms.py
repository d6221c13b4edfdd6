from pathlib import Path

from django import forms
from django.conf import settings

from accounts.models import Organization

from .spreadsheets import EXTENSIONS


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
