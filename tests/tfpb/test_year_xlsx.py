import io

from django.urls import reverse
from openpyxl import load_workbook

from tests.tfpb import factories

URL = reverse("tfpb:year_xlsx")


def rows(response, sheet="Actions"):
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in workbook[sheet].iter_rows(values_only=True)]


def test_city_downloads_every_landlords_report_of_the_year(client_of, cast, report, landlord2, city, state, bel_air):
    other = factories.convention(landlord2, cities=[city], state=state, qpvs=[bel_air])
    factories.report(other)
    factories.report(other, year=2026)
    response = client_of(cast["city_admin"]).get(URL, {"year": "2025"})
    assert response["Content-Disposition"] == 'attachment; filename="bilans-tfpb-2025.xlsx"'
    actions = rows(response)[1:]
    assert {(r[0], r[4]) for r in actions} == {(2025, "Habitat du Clain"), (2025, "Logis de la Vienne")}
    assert len(actions) == 3
    assert len(rows(response, "Synthèse par bailleur et QPV")) == 4


def test_a_landlord_gets_only_its_own(client_of, cast, report, landlord2, city, state, bel_air):
    factories.report(factories.convention(landlord2, cities=[city], state=state, qpvs=[bel_air]))
    actions = rows(client_of(cast["landlord_admin"]).get(URL, {"year": "2025"}))[1:]
    assert {r[4] for r in actions} == {"Habitat du Clain"}


def test_the_outsider_gets_an_empty_sheet(client_of, cast, report):
    assert rows(client_of(cast["outsider"]).get(URL, {"year": "2025"})) == [
        rows(client_of(cast["city_admin"]).get(URL))[0]
    ]
