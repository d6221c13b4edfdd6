import calendar
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.forms import VersionedForm
from accounts.models import Kind, Organization, TerritoryCommune
from leases.models import Qpv

from .models import ActionLine, Axis

MONTHS = [
    (n, name)
    for n, name in enumerate(
        [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
        start=1,
    )
]


class EuroField(forms.DecimalField):
    """An amount in euros as people type it: « 41 812,50 », « 41812.50 € »."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0\u202f€]", "", value).replace(",", ".")
        if value in self.empty_values:
            return None
        try:
            return super().to_python(value)
        except ValidationError:
            raise
        except InvalidOperation:
            raise ValidationError("Saisissez un montant en euros, par exemple 41 812,50.") from None

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.2f}".replace(".", ",")
        return value


class ConventionForm(forms.Form):
    """The content of a draft convention: its parties, its QPV, its period and its report deadline."""

    reference = forms.CharField(
        label="Référence", max_length=100, required=False, help_text="Facultatif, par exemple le numéro de l'annexe."
    )
    start_year = forms.IntegerField(label="Première année d'application", min_value=2016, max_value=2100, initial=2025)
    end_year = forms.IntegerField(label="Dernière année d'application", min_value=2016, max_value=2100, initial=2030)
    qpvs = forms.ModelMultipleChoiceField(
        label="Quartiers prioritaires couverts",
        queryset=Qpv.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Les QPV situés dans les communes des collectivités avec lesquelles vous travaillez.",
    )
    communes = forms.ModelMultipleChoiceField(
        label="Communes signataires",
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    epci = forms.ModelChoiceField(
        label="EPCI signataire", queryset=Organization.objects.none(), required=False, empty_label="Aucun"
    )
    state = forms.ModelChoiceField(label="Représentant de l'État", queryset=Organization.objects.none())
    state_reviews = forms.BooleanField(label="L'État examine aussi les bilans annuels", required=False, initial=True)
    report_due_day = forms.IntegerField(label="Remise du bilan : jour", min_value=1, max_value=31, initial=30)
    report_due_month = forms.TypedChoiceField(
        label="Remise du bilan : mois (de l'année suivante)", choices=MONTHS, coerce=int, initial=6
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        visible = Organization.objects.visible_to(user)
        cities = visible.filter(kind=Kind.CITY).order_by("name")
        self.fields["communes"].queryset = cities
        self.fields["epci"].queryset = cities
        self.fields["state"].queryset = visible.filter(kind=Kind.STATE).order_by("name")
        territory = TerritoryCommune.objects.filter(organization__in=cities).values("insee_code")
        self.fields["qpvs"].queryset = (
            Qpv.objects.filter(communes__insee_code__in=territory).distinct().order_by("code")
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", "La dernière année ne peut pas précéder la première.")
        communes, epci = list(data.get("communes") or []), data.get("epci")
        if not communes and not epci:
            self.add_error("communes", "Choisissez au moins une commune ou un EPCI signataire.")
        if epci and epci in communes:
            self.add_error("epci", "Une même collectivité ne peut pas signer à la fois comme commune et comme EPCI.")
        day, month = data.get("report_due_day"), data.get("report_due_month")
        if day and month and day > calendar.monthrange(2024, month)[1]:
            self.add_error("report_due_day", "Ce jour n'existe pas dans le mois choisi.")
        cities = [*communes, *([epci] if epci else [])]
        if cities and data.get("qpvs"):
            covered = set(TerritoryCommune.objects.filter(organization__in=cities).values_list("insee_code", flat=True))
            outside = [q.code for q in data["qpvs"] if not covered & set(q.insee_codes)]
            if outside:
                self.add_error(
                    "qpvs",
                    f"Aucune collectivité signataire ne couvre la commune de : {', '.join(outside)}. "
                    "Ajoutez la commune ou l'EPCI concerné.",
                )
        return data


class ConventionEditForm(VersionedForm, ConventionForm):
    pass


class SignForm(forms.Form):
    signed_on = forms.DateField(
        label="Date de signature",
        help_text="La date portée sur la convention signée par votre organisation (jj/mm/aaaa).",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_signed_on(self):
        value = self.cleaned_data["signed_on"]
        if value > timezone.localdate():
            raise ValidationError("La date de signature ne peut pas être dans le futur.")
        return value


class LineForm(forms.Form):
    axis = forms.ModelChoiceField(label="Axe national", queryset=Axis.objects.filter(is_active=True))
    label = forms.CharField(label="Intitulé de la ligne d'action locale", max_length=200)

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.convention = convention

    def clean(self):
        data = super().clean()
        if data.get("axis") and data.get("label"):
            exists = ActionLine.objects.for_convention(self.convention).filter(
                axis=data["axis"], label__iexact=data["label"].strip()
            )
            if exists.exists():
                self.add_error("label", "Cette ligne d'action existe déjà sous cet axe.")
        return data


class ProgrammeForm(VersionedForm):
    abatement_amount = EuroField(
        label="Montant de l'abattement (€)",
        help_text="Le montant de l'abattement de l'année pour ce quartier, tel qu'il figure sur l'avis de taxe "
        "foncière.",
    )


class ActionForm(forms.Form):
    """An action of a programme. Axis and local line are one choice: « 7. Animation… › Accès… »."""

    target = forms.ChoiceField(label="Axe ou ligne d'action locale")
    title = forms.CharField(label="Action", max_length=200)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    planned_amount = EuroField(label="Montant prévu (€)")
    realised_amount = EuroField(
        label="Montant réalisé (€)", required=False, help_text="Obligatoire pour transmettre le bilan."
    )
    dwellings_concerned = forms.IntegerField(label="Logements concernés", min_value=0, required=False)
    indicators = forms.CharField(
        label="Indicateurs",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Par exemple : nombre d'animations, de participants, de logements raccordés.",
    )
    override_reason = forms.CharField(
        label="Motif de l'écart au montant proposé",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire si le montant réalisé diffère du montant proposé par l'application.",
    )

    def __init__(self, *args, programme, proposal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.proposal = proposal
        self.lines = {
            line.pk: line
            for line in ActionLine.objects.for_convention(programme.report.convention)
            .filter(axis__is_active=True)
            .select_related("axis")
        }
        self.axes = {axis.pk: axis for axis in Axis.objects.filter(is_active=True)}
        choices = [("", "Choisissez un axe ou une ligne")]
        for axis in self.axes.values():
            group = [(f"axis-{axis.pk}", f"{axis} (axe national)")]
            group += [
                (f"line-{line.pk}", f"{axis.number}. › {line.label}")
                for line in self.lines.values()
                if line.axis_id == axis.pk
            ]
            choices.append((str(axis), group))
        self.fields["target"].choices = choices

    @staticmethod
    def target_of(action):
        return f"line-{action.line_id}" if action.line_id else f"axis-{action.axis_id}"

    def clean_target(self):
        """(axis, line or None); the choices already guarantee the value is one of ours."""
        kind, _, pk = self.cleaned_data["target"].partition("-")
        if kind == "line":
            line = self.lines[int(pk)]
            return line.axis, line
        return self.axes[int(pk)], None

    def clean_dwellings_concerned(self):
        value = self.cleaned_data["dwellings_concerned"]
        limit = self.programme.dwellings_count
        if value is not None and limit and value > limit:
            raise ValidationError(
                f"Le bailleur compte {limit} logement{'s' if limit > 1 else ''} dans ce quartier d'après son parc."
            )
        return value

    def clean(self):
        data = super().clean()
        target = data.get("target")
        is_connectivity = bool(target and target[1] and target[1].is_connectivity)
        realised = data.get("realised_amount")
        if (
            is_connectivity
            and self.proposal is not None
            and realised is not None
            and realised != self.proposal.total
            and not (data.get("override_reason") or "").strip()
        ):
            self.add_error("override_reason", "Expliquez pourquoi le montant réalisé diffère du montant proposé.")
        return data

    FIELDS = [
        "axis",
        "line",
        "title",
        "description",
        "planned_amount",
        "realised_amount",
        "dwellings_concerned",
        "indicators",
        "override_reason",
        "proposed_amount",
        "proposal_lines",
    ]

    def apply(self, action):
        """Copy the cleaned data onto `action`; returns the names of the fields to save."""
        data = self.cleaned_data
        action.axis, action.line = data["target"]
        for name in ["title", "description", "planned_amount", "realised_amount", "dwellings_concerned", "indicators"]:
            setattr(action, name, data[name])
        action.override_reason = data["override_reason"].strip() if action.is_connectivity else ""
        action.record_proposal(self.proposal if action.is_connectivity else None)
        return self.FIELDS


class ActionEditForm(VersionedForm, ActionForm):
    pass


class SendBackForm(forms.Form):
    """A reviewing party returns the report: a general comment, and one per action line if needed."""

    comment = forms.CharField(
        label="Observations générales",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce que le bailleur doit corriger ou compléter avant de transmettre à nouveau son bilan.",
    )

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = list(actions)
        for action in self.actions:
            self.fields[f"line_{action.pk}"] = forms.CharField(
                label=f"Observation sur « {action.title} » ({action.programme.qpv.code})",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def line_comments(self):
        return {a.pk: self.cleaned_data.get(f"line_{a.pk}", "") for a in self.actions}

    def line_fields(self):
        return [(action, self[f"line_{action.pk}"]) for action in self.actions]


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label="Année", coerce=int)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]
