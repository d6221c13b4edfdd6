"""The dashboard as a workbook: one sheet per view, for the chosen year, for each kind of dashboard."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from monitoring.exports import TFPB_COLUMNS


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content), read_only=True)


def values(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize(
    ("who", "status"),
    [("city_admin", 200), ("state_user", 200), ("landlord_admin", 403), ("operator_admin", 403)],
)
def test_who_downloads_the_territory_workbook(client_of, cast, scene, who, status):
    assert client_of(cast[who]).get(reverse("monitoring:dashboard_xlsx")).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("landlord_viewer", 200), ("landlord2_admin", 404), ("city_admin", 403), ("operator2_admin", 404)],
)
def test_who_downloads_a_landlords_workbook(client_of, cast, scene, landlord, who, status):
    assert client_of(cast[who]).get(reverse("monitoring:landlord_xlsx", args=[landlord.pk])).status_code == status


@pytest.mark.parametrize(("who", "status"), [("operator_admin", 200), ("operator2_admin", 404), ("city_admin", 403)])
def test_who_downloads_an_operators_workbook(client_of, cast, scene, operator, who, status):
    assert client_of(cast[who]).get(reverse("monitoring:operator_xlsx", args=[operator.pk])).status_code == status


def test_one_sheet_per_view_with_the_territorys_figures(client_of, cast, scene):
    year = timezone.localdate().year
    book = workbook(client_of(cast["city_admin"]).get(reverse("monitoring:dashboard_xlsx"), {"year": year}))
    assert book.sheetnames == [
        "Synthèse",
        "Par QPV",
        "Par bailleur",
        "Évolution mensuelle",
        "Déploiement",
        "Engagements",
        "Appels d'offres",
        "Fibre par résidence",
        f"TFPB {year}",
    ]
    summary = {row[0]: row[1] for row in values(book["Synthèse"])}
    assert summary["Période"] == f"année {year}"
    assert summary["Logements du parc"] == 27
    assert summary["Logements équipés d'une box"] == 10
    assert summary["Logements avec un abonnement actif"] == 2
    assert summary["Part avec un abonnement actif"] == 7.4
    assert summary["Logements dans le déploiement d'un marché"] == 5
    assert summary["Logements à l'abonnement suspendu"] == 1
    assert summary["Engagements en retard"] == 1
    per_qpv = values(book["Par QPV"])
    assert per_qpv[0][:3] == ["QPV", "Logements", "Équipés d'une box"]
    assert ["Trois Cités (QN08604M)", 16, 7] in [row[:3] for row in per_qpv]
    headers = per_qpv[0]
    trois_cites = dict(zip(headers, next(row for row in per_qpv if row[0] == "Trois Cités (QN08604M)"), strict=True))
    assert (
        trois_cites["Abonnement actif"],
        trois_cites["Part active (%)"],
        trois_cites["Box posée par l'opérateur"],
    ) == (
        2,
        12.5,
        3,
    )
    monthly = values(book["Évolution mensuelle"])
    assert monthly[0][-2:] == ["Abonnement actif", "Part active (%)"]
    assert values(book["Déploiement"])[-1] == ["Abonnement actif", 2, 7.4]
    assert not any("Bellevue" in str(cell) for sheet in book for row in values(sheet) for cell in row)
    assert values(book[f"TFPB {year}"]) == [[header for header, _ in TFPB_COLUMNS]]  # no report yet


def test_last_years_workbook_has_its_tfpb_programmes(client_of, cast, scene):
    year = timezone.localdate().year - 1
    book = workbook(client_of(cast["city_admin"]).get(reverse("monitoring:dashboard_xlsx"), {"year": year}))
    tfpb = values(book[f"TFPB {year}"])
    assert tfpb[1][1:9] == ["Habitat du Clain", tfpb[1][2], "QN08604M", "Trois Cités", 20000, 1500, 7.5, 600]


def test_the_filters_of_the_dashboard_apply(client_of, cast, scene):
    book = workbook(client_of(cast["city_admin"]).get(reverse("monitoring:dashboard_xlsx"), {"qpv": "QN08603M"}))
    summary = {row[0]: row[1] for row in values(book["Synthèse"])}
    assert summary["Quartier prioritaire"] == "Bel Air (QN08603M)"
    assert summary["Logements du parc"] == 6
    residences = values(book["Fibre par résidence"])
    assert [row[2] for row in residences[1:]] == ["Bel Air Soleil"]


def test_a_formula_in_a_name_is_written_as_text(client_of, cast, scene):
    scene.patio.name = '=HYPERLINK("http://x")'
    scene.patio.save()
    book = load_workbook(io.BytesIO(client_of(cast["city_admin"]).get(reverse("monitoring:dashboard_xlsx")).content))
    cells = [cell for row in book["Fibre par résidence"].iter_rows() for cell in row if cell.value == scene.patio.name]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_the_same_number_of_queries_whatever_the_size(client_of, cast, scene, landlord, city):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .test_dashboard import grow

    client = client_of(cast["city_admin"])
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("monitoring:dashboard_xlsx"))
    grow(landlord, city, cast["city_admin"], cast["landlord_admin"], 12)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("monitoring:dashboard_xlsx"))
    assert len(large) == len(small)
