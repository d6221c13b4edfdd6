import datetime
from dataclasses import dataclass

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from accounts.models import Organization
from leases.models import Qpv

from .history import add_months, month_end, month_start, months_between

MONTH_NAMES = [
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
]
SHORT_MONTH_NAMES = [
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
]
YEARS_OFFERED = 4


def month_label(month, short=False):
    if short:
        return f"{SHORT_MONTH_NAMES[month.month - 1]} {month:%y}"
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


@dataclass(frozen=True)
class Period:
    """The months a dashboard covers: its charts run from `first` to `last` (first days of months);
    its stock figures are those of `as_of` (today when the period runs to this month)."""

    code: str
    label: str
    first: datetime.date
    last: datetime.date
    today: datetime.date

    @property
    def is_current(self):
        return self.last == month_start(self.today)

    @property
    def as_of(self):
        return self.today if self.is_current else month_end(self.last)

    @property
    def months(self):
        return months_between(self.first, self.last)

    @property
    def year(self):
        return self.last.year


def period_choices(today):
    years = [str(today.year - n) for n in range(YEARS_OFFERED)]
    return [("12m", "12 derniers mois"), ("24m", "24 derniers mois")] + [(y, f"Année {y}") for y in years]


def make_period(code, today):
    """The Period of a choice code ("12m", "24m", a year); the last 12 months for anything else."""
    this_month = month_start(today)
    if code == "24m":
        return Period("24m", "24 derniers mois", add_months(this_month, -23), this_month, today)
    if code and code.isdigit() and len(code) == 4:
        year = int(code)
        if today.year - YEARS_OFFERED < year <= today.year:
            last = min(datetime.date(year, 12, 1), this_month)
            return Period(code, f"année {year}", datetime.date(year, 1, 1), last, today)
    return Period("12m", "12 derniers mois", add_months(this_month, -11), this_month, today)


def year_period(year, today):
    return make_period(str(year), today)


class FastSelect(forms.Select):
    """A <select> written in Python: the template-per-option rendering of Django's widget costs
    milliseconds on a list of a hundred QPV, and the dashboards are timed (benchmarks/national.py)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        selected = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option_value, mark_safe(" selected") if str(option_value) in selected else "", label)
                for option_value, label in self.choices
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), options)


class DashboardFilterForm(forms.Form):
    """The dashboard's filters. Its GET names match the lodging list's (`qpv` by code, `landlord` by id)
    so that a figure's link carries them to the dwellings."""

    qpv = forms.ModelChoiceField(
        label="Quartier prioritaire",
        queryset=Qpv.objects.none(),
        required=False,
        to_field_name="code",
        empty_label="Tous",
        widget=FastSelect,
    )
    landlord = forms.ModelChoiceField(
        label="Bailleur", queryset=Organization.objects.none(), required=False, empty_label="Tous", widget=FastSelect
    )
    period = forms.ChoiceField(label="Période", required=False, widget=FastSelect)

    def __init__(self, *args, scope, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qpv"].queryset = scope.qpv_choices().order_by("name")
        landlords = scope.landlord_choices()
        if landlords is None:
            del self.fields["landlord"]
        else:
            self.fields["landlord"].queryset = landlords.order_by("name")
        self.fields["period"].choices = period_choices(today)
        self.today = today

    def filters(self):
        """(qpv, landlord, period) from valid data; a field in error does not filter (the form says why)."""
        errors = self.errors if self.is_bound else {}
        data = self.cleaned_data if self.is_bound else {}
        qpv = None if "qpv" in errors else data.get("qpv")
        landlord = None if "landlord" in errors else data.get("landlord")
        return qpv, landlord, make_period(data.get("period") or "12m", self.today)


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label="Année du rapport", coerce=int)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(today.year - n, str(today.year - n)) for n in range(YEARS_OFFERED)]
