import datetime

from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone

from leases.models import Residence

from .models import Amendment, Bid, BidDocument, Criterion, Tender, TenderDocument

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ALLOWED_EXTENSIONS = {"pdf", "odt", "ods", "docx", "xlsx", "zip", "png", "jpg", "jpeg", "txt", "csv"}


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def check_upload(upload):
    if upload is None:
        return upload
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in ALLOWED_EXTENSIONS:
        raise forms.ValidationError(
            f"Format non accepté ({extension or 'sans extension'}) : {', '.join(sorted(ALLOWED_EXTENSIONS))}."
        )
    if upload.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError("Fichier trop lourd : 20 Mo au plus.")
    return upload


class TenderForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Tender
        fields = [
            "reference",
            "title",
            "description",
            "estimated_value_ht",
            "duration_months",
            "technology",
            "min_download_mbps",
            "min_upload_mbps",
            "box_in_every_dwelling",
            "max_unit_price_ht",
            "tenant_support",
            "other_requirements",
            "questions_deadline",
            "deadline",
            "notice_boamp_reference",
            "notice_joue_reference",
            "notice_sent_at",
        ]
        widgets = {
            "questions_deadline": DateTimeInput(),
            "deadline": DateTimeInput(),
            "notice_sent_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "tenant_support": forms.Textarea(attrs={"rows": 3}),
            "other_requirements": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "estimated_value_ht": "Sur toute la durée du marché : elle détermine la procédure (adaptée sous le seuil "
            "européen, formalisée au-delà).",
            "notice_sent_at": "Procédure formalisée : le délai minimal de réception des offres court "
            "à partir de cette date.",
            "technology": "Laisser vide pour accepter toute technologie.",
        }

    def clean(self):
        data = super().clean()
        questions, deadline = data.get("questions_deadline"), data.get("deadline")
        if questions and deadline and questions >= deadline:
            self.add_error("questions_deadline", "La date limite des questions précède la date limite des offres.")
        return data


class PerimeterForm(forms.Form):
    residences = forms.ModelMultipleChoiceField(
        label="Résidences du périmètre",
        queryset=Residence.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, landlord, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residences"].queryset = (
            Residence.objects.filter(landlord=landlord)
            .select_related("qpv")
            .with_counts()
            .order_by("commune_name", "name")
        )
        self.fields["residences"].label_from_instance = lambda r: (
            f"{r.name} — {r.commune_name}, {r.qpv.name if r.qpv else 'hors QPV'}, "
            f"{r.lodging_count} logement{'s' if r.lodging_count > 1 else ''}, "
            f"fibre : {r.get_fibre_state_display().lower()}"
        )


class CriterionFormSet(
    inlineformset_factory(
        Tender, Criterion, fields=["name", "weight", "is_price", "description"], extra=2, can_delete=True
    )
):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        total = sum(f.cleaned_data["weight"] for f in kept)
        if kept and total != 100:
            raise forms.ValidationError(f"Les pondérations totalisent {total} % : elles doivent totaliser 100 %.")
        if sum(1 for f in kept if f.cleaned_data.get("is_price")) > 1:
            raise forms.ValidationError("Un seul critère prix.")


class TenderDocumentForm(forms.ModelForm):
    class Meta:
        model = TenderDocument
        fields = ["title", "file"]

    def clean_file(self):
        return check_upload(self.cleaned_data["file"])


class AmendmentForm(forms.ModelForm):
    document_title = forms.CharField(label="Titre du document joint", max_length=200, required=False)
    document = forms.FileField(label="Document joint (facultatif)", required=False)

    class Meta:
        model = Amendment
        fields = ["summary", "notice_reference", "new_questions_deadline", "new_deadline"]
        widgets = {
            "new_questions_deadline": DateTimeInput(),
            "new_deadline": DateTimeInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, tender, **kwargs):
        self.tender = tender
        super().__init__(*args, **kwargs)
        earliest = timezone.localtime(tender.minimum_new_deadline())
        self.fields[
            "new_deadline"
        ].help_text = (
            f"Au moins {tender.min_days} jours à compter d'aujourd'hui : au plus tôt le {earliest:%d/%m/%Y à %H:%M}."
        )

    def clean_document(self):
        return check_upload(self.cleaned_data.get("document"))

    def clean(self):
        data = super().clean()
        deadline, questions = data.get("new_deadline"), data.get("new_questions_deadline")
        now = timezone.now()
        if deadline and deadline < self.tender.minimum_new_deadline(now):
            self.add_error(
                "new_deadline",
                f"La nouvelle date limite doit laisser au moins {self.tender.min_days} jours aux opérateurs.",
            )
        if deadline and questions:
            latest = deadline - datetime.timedelta(days=self.tender.answer_days or 0)
            if questions > latest or questions >= deadline:
                self.add_error(
                    "new_questions_deadline",
                    "La date limite des questions doit précéder la date limite des offres"
                    + (f" d'au moins {self.tender.answer_days} jours." if self.tender.answer_days else "."),
                )
            if questions <= now:
                self.add_error("new_questions_deadline", "Cette date est déjà passée.")
        if data.get("document") and not data.get("document_title"):
            self.add_error("document_title", "Donnez un titre au document joint.")
        return data


class QuestionForm(forms.Form):
    text = forms.CharField(label="Votre question", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Réponse (publiée à tous les opérateurs, sans le nom de l'auteur de la question)",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=8000,
    )


class BidForm(forms.ModelForm):
    class Meta:
        model = Bid
        fields = [
            "unit_price_ht",
            "vat_rate",
            "installation_fee_ht",
            "technology",
            "download_mbps",
            "upload_mbps",
            "commitments",
        ]
        widgets = {"commitments": forms.Textarea(attrs={"rows": 5})}


class BidDocumentForm(forms.ModelForm):
    class Meta:
        model = BidDocument
        fields = ["title", "file"]

    def clean_file(self):
        return check_upload(self.cleaned_data["file"])


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Motifs", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label


class ScoreForm(forms.Form):
    """One score on 100 per criterion, with an optional comment each."""

    def __init__(self, *args, criteria, scores, suggestions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        suggestions = suggestions or {}
        for criterion in criteria:
            existing = scores.get(criterion.pk)
            initial = existing.value if existing else suggestions.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.DecimalField(
                label=f"{criterion.name} ({criterion.weight} %) : note sur 100",
                min_value=0,
                max_value=100,
                decimal_places=2,
                initial=initial,
                help_text="Note proposée : meilleur prix / prix × 100." if criterion.is_price and not existing else "",
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=f"{criterion.name} : appréciation",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=existing.comment if existing else "",
            )


class AssessmentForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label="La justification est-elle convaincante ?",
        choices=[("yes", "Oui : l'offre reste en lice"), ("no", "Non : l'offre peut être écartée")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    assessment = forms.CharField(label="Appréciation", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class AwardForm(forms.Form):
    reasons = forms.CharField(
        label="Motifs du choix (repris dans la lettre aux opérateurs non retenus)",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    board_decision_on = forms.DateField(
        label="Date de décision de la commission d'appel d'offres", required=False, widget=DateInput()
    )

    def __init__(self, *args, formal, **kwargs):
        super().__init__(*args, **kwargs)
        if formal:
            self.fields["board_decision_on"].required = True
        else:
            del self.fields["board_decision_on"]

    def clean_board_decision_on(self):
        day = self.cleaned_data.get("board_decision_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError("La décision de la commission ne peut pas être dans le futur.")
        return day


class SignatureForm(forms.Form):
    signed_on = forms.DateField(label="Date de signature", widget=DateInput())


class ContractSignForm(SignatureForm):
    start = forms.DateField(
        label="Début d'exécution", required=False, widget=DateInput(), help_text="Par défaut : la date de signature."
    )
    document = forms.FileField(label="Marché signé des deux parties (PDF)")

    def clean_document(self):
        return check_upload(self.cleaned_data["document"])

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("signed_on") and data["start"] < data["signed_on"]:
            self.add_error("start", "L'exécution ne commence pas avant la signature.")
        return data


class TerminateForm(forms.Form):
    on = forms.DateField(label="Résilié à compter du", widget=DateInput())
    reason = forms.CharField(label="Motif de la résiliation", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
