"""The dashboard's filters: periods, and the select written in Python (forms.FastSelect)."""

import datetime

import pytest

from monitoring.forms import FastSelect, make_period

TODAY = datetime.date(2026, 11, 26)


@pytest.mark.parametrize(
    ("code", "label", "first", "last", "as_of"),
    [
        ("12m", "12 derniers mois", datetime.date(2025, 12, 1), datetime.date(2026, 11, 1), TODAY),
        ("24m", "24 derniers mois", datetime.date(2024, 12, 1), datetime.date(2026, 11, 1), TODAY),
        ("2026", "année 2026", datetime.date(2026, 1, 1), datetime.date(2026, 11, 1), TODAY),
        ("2024", "année 2024", datetime.date(2024, 1, 1), datetime.date(2024, 12, 1), datetime.date(2024, 12, 31)),
        ("1999", "12 derniers mois", datetime.date(2025, 12, 1), datetime.date(2026, 11, 1), TODAY),
        ("", "12 derniers mois", datetime.date(2025, 12, 1), datetime.date(2026, 11, 1), TODAY),
    ],
)
def test_periods(code, label, first, last, as_of):
    period = make_period(code, TODAY)
    assert (period.label, period.first, period.last, period.as_of) == (label, first, last, as_of)
    assert len(period.months) == (last.year - first.year) * 12 + last.month - first.month + 1


def test_the_select_marks_the_chosen_option_and_escapes_labels():
    widget = FastSelect(choices=[("", "Tous"), ("QN1", "Quartier <b> & co"), ("QN2", "Autre")])
    html = widget.render("qpv", "QN1", attrs={"id": "id_qpv"})
    assert html == (
        '<select name="qpv" id="id_qpv"><option value="">Tous</option>'
        '<option value="QN1" selected>Quartier &lt;b&gt; &amp; co</option><option value="QN2">Autre</option></select>'
    )
