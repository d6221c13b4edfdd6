from django import forms
from django.core.exceptions import ValidationError

from .models import TERRITORIAL_KINDS, Kind, Organization, Role
from .validators import normalize_siren, parse_insee_list, validate_siren


class VersionedForm(forms.Form):
    """Carries the version of the object it was loaded with (see accounts.models.Versioned)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class TerritoryField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Communes couvertes (codes INSEE)")
        kwargs.setdefault(
            "help_text",
            "Codes INSEE à 5 caractères séparés par des virgules, par exemple : 86194, 86041, 86214.",
        )
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return parse_insee_list(value)


class OrganizationAddForm(forms.Form):
    """A city or State admin adds an organisation working in its territory."""

    kind = forms.ChoiceField(label="Type d'organisation", choices=Kind.choices)
    siren = forms.CharField(
        label="SIREN",
        max_length=11,
        help_text="9 chiffres. Si l'organisation existe déjà, elle est rattachée à votre territoire "
        "sans être créée une seconde fois.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(label="Nom", max_length=200)
    territory = TerritoryField(required=False, label="Communes couvertes (collectivité ou État seulement)")
    admin_email = forms.EmailField(
        label="E-mail de son premier administrateur",
        required=False,
        help_text="Facultatif. Une invitation lui est envoyée si l'organisation n'a pas encore d'administrateur.",
    )
    enrolled_by = forms.ModelChoiceField(label="Au titre de", queryset=Organization.objects.none(), empty_label=None)

    def __init__(self, *args, sponsors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolled_by"].queryset = sponsors
        if len(sponsors) == 1:
            self.fields["enrolled_by"].widget = forms.HiddenInput()
            self.fields["enrolled_by"].initial = sponsors[0].pk

    def clean_siren(self):
        siren = normalize_siren(self.cleaned_data["siren"])
        validate_siren(siren)
        return siren

    def clean(self):
        data = super().clean()
        siren = data.get("siren")
        self.existing = Organization.objects.filter(siren=siren).first() if siren else None
        if self.existing is None and data.get("kind"):
            territory = data.get("territory") or []
            if data["kind"] in TERRITORIAL_KINDS and not territory:
                self.add_error("territory", "Une collectivité ou un service de l'État couvre au moins une commune.")
            if data["kind"] not in TERRITORIAL_KINDS and territory:
                self.add_error("territory", "Un bailleur ou un opérateur peut agir partout : laissez ce champ vide.")
        return data


class OrganizationEditForm(VersionedForm):
    name = forms.CharField(label="Nom", max_length=200)
    territory = TerritoryField(required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        if not organization.is_territorial:
            del self.fields["territory"]

    def clean_territory(self):
        codes = self.cleaned_data["territory"]
        if not codes:
            raise ValidationError("Une collectivité ou un service de l'État couvre au moins une commune.")
        return codes


class InviteForm(forms.Form):
    email = forms.EmailField(label="Adresse e-mail")
    full_name = forms.CharField(label="Nom complet", max_length=150, required=False)
    role = forms.ChoiceField(label="Rôle", choices=Role.choices, initial=Role.MEMBER)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()
