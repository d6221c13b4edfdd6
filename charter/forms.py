from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef

from accounts.forms import VersionedForm
from accounts.models import Kind, Organization, Role
from leases.models import Qpv, QpvCommune, Residence

from .models import Commitment, Scope, ValueType


def qpvs_of_city(city):
    """The QPV lying (at least partly) in the communes the city covers."""
    communes = city.territory.values("insee_code")
    return Qpv.objects.filter(Exists(QpvCommune.objects.filter(qpv=OuterRef("pk"), insee_code__in=communes)))


def cities_written_by(user):
    """The city organisations where `user` may write a charter (admin or member)."""
    return Organization.objects.filter(
        kind=Kind.CITY, memberships__user=user, memberships__role__in=[Role.ADMIN, Role.MEMBER]
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CharterForm(VersionedForm):
    city = forms.ModelChoiceField(label="Collectivité", queryset=Organization.objects.none(), empty_label=None)
    title = forms.CharField(label="Titre", max_length=200)
    qpvs = forms.ModelMultipleChoiceField(
        label="Quartiers prioritaires couverts",
        queryset=Qpv.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Les quartiers prioritaires de vos communes.",
    )
    preamble = forms.CharField(
        label="Préambule",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Texte brut : la mise en forme HTML n'est pas interprétée. Une ligne vide sépare deux paragraphes.",
    )
    effective_date = forms.DateField(label="Date d'entrée en vigueur", required=False, widget=DateInput())
    reminder_delay_days = forms.IntegerField(
        label="Relancer les organisations invitées sans réponse après (jours)",
        min_value=0,
        max_value=365,
        help_text="Un e-mail de relance part une fois ce délai écoulé depuis l'invitation. 0 : aucune relance.",
    )

    def __init__(self, *args, cities, charter=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.charter = charter
        if charter is not None:
            del self.fields["city"]
            self.fields["qpvs"].queryset = qpvs_of_city(charter.city)
        else:
            del self.fields["version"]
            self.fields["city"].queryset = cities
            cities = list(cities)
            if len(cities) == 1:
                self.fields["city"].widget = forms.HiddenInput()
                self.fields["city"].initial = cities[0].pk
                self.fields["qpvs"].queryset = qpvs_of_city(cities[0])
            else:
                self.fields["qpvs"].queryset = Qpv.objects.filter(
                    Exists(
                        QpvCommune.objects.filter(
                            qpv=OuterRef("pk"), insee_code__in=cities_territory(cities).values("insee_code")
                        )
                    )
                )

    def clean(self):
        data = super().clean()
        city = self.charter.city if self.charter else data.get("city")
        if city and data.get("qpvs"):
            outside = set(data["qpvs"]) - set(qpvs_of_city(city))
            if outside:
                self.add_error("qpvs", f"Hors du territoire de {city} : {', '.join(q.code for q in outside)}.")
        return data


def cities_territory(cities):
    from accounts.models import TerritoryCommune

    return TerritoryCommune.objects.filter(organization__in=cities)


class ArticleForm(forms.Form):
    heading = forms.CharField(label="Titre de l'article (facultatif)", max_length=200, required=False)
    body = forms.CharField(label="Texte de l'article", widget=forms.Textarea(attrs={"rows": 5}), required=False)

    def clean(self):
        data = super().clean()
        if data.get("heading") and not data.get("body"):
            self.add_error("body", "Rédigez le texte de cet article, ou videz aussi son titre pour le retirer.")
        return data


class BaseArticleFormSet(forms.BaseFormSet):
    def articles(self):
        """The filled articles, in order (an emptied article is removed; numbering follows the order)."""
        return [
            {"heading": form.cleaned_data["heading"], "body": form.cleaned_data["body"]}
            for form in self.forms
            if form.cleaned_data.get("body")
        ]


ArticleFormSet = forms.formset_factory(ArticleForm, formset=BaseArticleFormSet, extra=2, max_num=60)


class ReminderDelayForm(VersionedForm):
    reminder_delay_days = CharterForm.base_fields["reminder_delay_days"]


class InviteForm(forms.Form):
    organizations = forms.ModelMultipleChoiceField(
        label="Organisations à inviter",
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une organisation à inviter."},
    )

    def __init__(self, *args, charter, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = charter.invitable_organizations(user).order_by("kind", "name")
        self.fields["organizations"].label_from_instance = lambda o: f"{o} ({o.get_kind_display().lower()})"


class SignForm(forms.Form):
    name = forms.CharField(label="Nom et prénom du signataire", max_length=150)
    function = forms.CharField(
        label="Fonction du signataire", max_length=150, help_text="Par exemple : directrice générale."
    )
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm = forms.BooleanField(label="")

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "confirm"
        ].label = f"J'ai lu le texte de la charte ci-dessus et je suis habilité(e) à engager {organization}."
        self.fields["confirm"].error_messages["required"] = "Cochez cette case pour signer."


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Motif (facultatif)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Il est communiqué à la collectivité.",
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Motif du retrait",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Il est communiqué à la collectivité et figure dans l'historique de l'adhésion.",
        error_messages={"required": "Indiquez le motif du retrait."},
    )


class CommitmentForm(forms.Form):
    """The fields a kind of commitment needs, and nothing else (CommitmentKind is data)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    qpv = forms.ModelChoiceField(label="Quartier prioritaire", queryset=Qpv.objects.none())
    residence = forms.ModelChoiceField(label="Résidence", queryset=Residence.objects.none())
    target_value = forms.DecimalField(label="Cible", max_digits=12, decimal_places=2)
    target_choice = forms.ChoiceField(label="Cible", choices=[])
    details = forms.CharField(label="Précisions", max_length=300, required=False)
    due_date = forms.DateField(label="Échéance", widget=DateInput())

    def __init__(self, *args, kind, signature, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.signature, self.instance = kind, signature, instance
        charter = signature.charter
        if instance is None:
            del self.fields["version"]
        if kind.scope == Scope.QPV:
            self.fields["qpv"].queryset = charter.qpvs.all()
        else:
            del self.fields["qpv"]
        if kind.scope == Scope.RESIDENCE:
            self.fields["residence"].queryset = Residence.objects.filter(
                landlord=signature.organization, qpv__in=charter.qpvs.all()
            ).order_by("name")
            self.fields["residence"].help_text = "Vos résidences situées dans les quartiers couverts par la charte."
        else:
            del self.fields["residence"]
        if kind.value_type == ValueType.NUMBER:
            self.fields["target_value"] = forms.DecimalField(
                label=f"Cible ({kind.get_direction_display()}, en {kind.unit})" if kind.unit else "Cible",
                max_digits=12,
                decimal_places=2,
                min_value=kind.min_value,
                max_value=kind.max_value,
            )
        else:
            del self.fields["target_value"]
        if kind.value_type == ValueType.CHOICE:
            self.fields["target_choice"].choices = [("", "—"), *[(c, label) for c, label in kind.choices]]
        else:
            del self.fields["target_choice"]
        if kind.value_type == ValueType.DECLARATION:
            self.fields["details"].required = True
            self.fields["details"].label = "Votre engagement"
        self.fields["details"].help_text = kind.help_text

    def clean(self):
        data = super().clean()
        due = data.get("due_date")
        effective = self.signature.charter.effective_date
        if due and effective and due <= effective:
            self.add_error("due_date", f"L'échéance suit l'entrée en vigueur de la charte ({effective:%d/%m/%Y}).")
        duplicates = Commitment.objects.filter(
            signature=self.signature, kind=self.kind, qpv=data.get("qpv"), residence=data.get("residence")
        )
        if self.instance is not None:
            duplicates = duplicates.exclude(pk=self.instance.pk)
        if self.kind.scope != Scope.NONE and duplicates.exists():
            raise ValidationError("Vous avez déjà un engagement de ce type sur ce périmètre : modifiez-le plutôt.")
        return data

    def values(self):
        data = self.cleaned_data
        return {
            "qpv": data.get("qpv"),
            "residence": data.get("residence"),
            "target_value": data.get("target_value"),
            "target_choice": data.get("target_choice", ""),
            "details": data.get("details", ""),
            "due_date": data["due_date"],
        }
