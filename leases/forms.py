from django import forms
from django.utils import timezone

from .models import EquipmentStatus, ExitReason


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
