"""Charts: server-side SVG with a text alternative (title, description) and their numbers as a table."""

import datetime
import re

import pytest
from django.urls import reverse

from monitoring import charts

SVG = re.compile(r"<svg\b[^>]*>.*?</svg>", re.S)


def svgs(html):
    return SVG.findall(html)


def check_accessible(svg):
    opening = re.match(r"<svg\b[^>]*>", svg).group(0)
    assert 'role="img"' in opening
    labelled = re.search(r'aria-labelledby="([^"]+)"', opening).group(1).split()
    title = re.search(r'<title id="([^"]+)">([^<]+)</title>', svg)
    desc = re.search(r'<desc id="([^"]+)">([^<]+)</desc>', svg)
    assert labelled == [title.group(1), desc.group(1)]
    assert title.group(2).strip() and len(desc.group(2)) > 20


@pytest.mark.parametrize("who", ["city_admin", "landlord_admin", "operator_admin"])
def test_every_chart_of_the_dashboards_has_a_title_a_description_and_a_table(client_of, cast, scene, who):
    html = client_of(cast[who]).get(reverse("monitoring:dashboard"), follow=True).content.decode()
    found = svgs(html)
    assert len(found) >= 4  # evolution, at least one QPV, commitments, funnel
    for svg in found:
        check_accessible(svg)
    for chart_id in ("chart-evolution", "chart-commitments", "chart-funnel"):
        figure = re.search(rf'<figure class="chart" id="{chart_id}">(.*?)</figure>', html, re.S).group(1)
        assert "<table" in figure and "<caption>" in figure
        assert 'scope="row"' in figure or "Aucune donnée." in figure
    caption = "Par quartier et par mois : logements équipés d'une box / avec un abonnement actif / du parc"
    assert caption in html or caption.replace("'", "&#x27;") in html


def test_the_description_says_what_the_chart_shows(client_of, cast, scene):
    html = client_of(cast["city_admin"]).get(reverse("monitoring:dashboard")).content.decode()
    desc = re.search(r'<desc id="chart-evolution-desc">([^<]+)</desc>', html).group(1)
    assert "les logements équipés d&#x27;une box passent de 0 à 10, soit de 0 % à 37 %" in desc
    assert "Logements avec un abonnement actif : de 0 à 2, soit de 0 % à 7 %." in desc
    funnel = re.search(r'<desc id="chart-funnel-desc">([^<]+)</desc>', html).group(1)
    assert funnel.startswith("Sur 27 logements du parc, en résidence raccordable à la fibre (ARCEP) : 16 (59 %)")
    assert funnel.endswith(
        "abonnement prévu ou en service : 5 (19 %); box posée par l&#x27;opérateur : 3 (11 %); "
        "abonnement actif : 2 (7 %)."
    )
    assert "dont 1 suspendu aujourd&#x27;hui" in html


def test_labels_are_escaped_and_gaps_are_not_drawn_as_zero():
    months = [datetime.date(2026, m, 1) for m in (1, 2, 3, 4)]
    series = [charts.Series("<script>alert(1)</script>", [10, None, 30, 40])]
    svg = charts.line_chart("c", "Titre <b>", "Une description & des chiffres", months, series)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert '<title id="c-title">Titre &lt;b&gt;</title>' in svg
    assert svg.count("<polyline") == 2  # 10 | gap | 30, 40
    check_accessible(svg)


def test_months_not_computed_are_said_so_in_the_table():
    months = [datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)]
    chart = charts.evolution_chart("e", "Évolution", months, {months[1]: (10, 4, 2)})
    assert [cell.text for cell in chart.rows[0]] == ["janvier 2026"] + ["non calculé"] * 5
    assert [cell.text for cell in chart.rows[1]] == ["février 2026", "10", "4", "40 %", "2", "20 %"]
    assert "De février 2026 à février 2026" in chart.desc


@pytest.mark.parametrize(
    ("value", "ceiling"), [(0, 4), (3, 4), (7, 8), (11, 12), (13, 20), (28, 40), (230, 400), (4100, 8000)]
)
def test_axis_ends_on_a_round_number(value, ceiling):
    assert charts.nice_ceiling(value) == ceiling


def test_numbers_are_written_the_french_way():
    assert charts.number(1234567) == "1\u202f234\u202f567"
    assert charts.percent(37.4) == "37 %"
    assert charts.ratio_text(1, 3) == "33 %"
    assert charts.number(None) == charts.percent(None) == "—"
