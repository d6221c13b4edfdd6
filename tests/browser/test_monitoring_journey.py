"""Issue 8, "Done when": city staff open the dashboard, filter to the Trois Cités, follow a figure down
to the dwellings, download the xlsx and the PDF; the charts have text alternatives. axe-core checks
the dashboard, the commitments behind it and the public open-data page."""

import io

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import log_in, log_out, serious_accessibility_violations
from tests.monitoring.conftest import build_scene


@pytest.fixture
def scene(
    transactional_db,
    landlord,
    landlord2,
    operator,
    city,
    state,
    elsewhere_city,
    landlord_admin,
    landlord2_admin,
    city_admin,
    outsider,
):
    """The Grand Poitiers scene of tests/monitoring/conftest.py, in a database the live server sees."""
    return build_scene(
        landlord,
        landlord2,
        operator,
        city,
        state,
        elsewhere_city,
        landlord_admin,
        landlord2_admin,
        city_admin,
        outsider,
    )


def accessible(page):
    assert serious_accessibility_violations(page) == []


CHART_ALTERNATIVES = """() => Array.from(document.querySelectorAll('svg')).map(svg => {
    const ids = (svg.getAttribute('aria-labelledby') || '').split(' ');
    const texts = ids.map(id => { const node = document.getElementById(id); return node ? node.textContent : ''; });
    return {role: svg.getAttribute('role'), title: texts[0] || '', desc: texts[1] || ''};
})"""


def test_city_staff_filter_drill_down_and_download(page, cast, scene):
    log_in(page, cast["city_admin"].email)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Suivi").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Tableau de bord — Grand Poitiers").is_visible()
    accessible(page)

    # Every chart is an image named by its title and described by its numbers.
    charts = page.evaluate(CHART_ALTERNATIVES)
    assert len(charts) >= 5
    for chart in charts:
        assert chart["role"] == "img" and chart["title"] and len(chart["desc"]) > 20
    assert page.get_by_role("img", name="Du parc au logement connecté").is_visible()

    # Filter to the Trois Cités.
    page.get_by_label("Quartier prioritaire", exact=True).select_option(label="Trois Cités (QN08604M)")
    page.get_by_role("button", name="Afficher").click()
    assert "qpv=QN08604M" in page.url
    figures = page.locator(".key-figures")
    assert "16" in figures.locator("div").nth(0).inner_text()
    assert "44 %" in figures.locator("div").nth(1).inner_text()
    assert "12 %" in figures.locator("div").nth(2).inner_text()  # active subscriptions: 2 of 16
    accessible(page)

    # Follow the equipped figure down to the dwellings.
    page.get_by_role("link", name="44 %").click()
    assert page.get_by_role("heading", name="Parc de logements").is_visible()
    listed = page.locator("main").inner_text()
    equipped, not_equipped = scene.lodgings["tilleuls"][0], scene.lodgings["tilleuls"][9]
    assert equipped.rpls_id in listed and not_equipped.rpls_id not in listed
    assert scene.lodgings["patio"][0].rpls_id not in listed
    page.go_back()

    # Download the workbook and the annual report of this year, for the Trois Cités.
    with page.expect_download() as download:
        page.get_by_role("button", name="Tableau de bord (xlsx)").click()
    with open(download.value.path(), "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()), read_only=True)
    summary = {row[0]: row[1] for row in book["Synthèse"].iter_rows(values_only=True)}
    assert summary["Quartier prioritaire"] == "Trois Cités (QN08604M)"
    assert summary["Logements du parc"] == 16
    with page.expect_download() as download:
        page.get_by_role("button", name="Rapport annuel de la charte (PDF)").click()
    assert download.value.suggested_filename.startswith("rapport-annuel-charte-grand-poitiers-")
    with open(download.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"

    # The commitments behind the counts.
    page.get_by_role("link", name="Voir les engagements un par un").click()
    assert page.get_by_role("heading", name="Engagements de la charte — Grand Poitiers").is_visible()
    accessible(page)
    log_out(page)


def test_the_open_data_page_is_public_and_accessible(page, scene):
    page.goto("/donnees-ouvertes/")
    assert page.get_by_role(
        "heading", name="Données ouvertes : la connexion internet dans le logement social"
    ).is_visible()
    assert page.get_by_role(
        "link", name="Indicateurs par quartier prioritaire (CSV, UTF-8, séparateur virgule)"
    ).is_visible()
    accessible(page)
