"""Open data (donnees-ouvertes/): public, aggregated, no dwelling-level data, small cells suppressed."""

import csv
import io
import re

import pytest
from django.urls import reverse

from leases.models import Lease, Lodging
from monitoring import opendata, views
from monitoring.history import refresh
from subscriptions.models import Subscription
from tests.factories import OrganizationFactory

from .factories import contract, dwellings, equip, make_qpv, months_ago, residence, subscribe, tender

PAGE = reverse("monitoring:open_data")
QPV_CSV = reverse("monitoring:open_data_qpv_csv")
LANDLORD_CSV = reverse("monitoring:open_data_landlord_csv")


def rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.fixture
def small_cells(scene, landlord):
    """Leases with references, two QPV of 3 dwellings each, a landlord with 2 dwellings, then a refresh."""
    for lodging in scene.lodgings["tilleuls"][:6]:
        Lease.objects.create(lodging=lodging, reference=f"BAIL-SECRET-{lodging.pk}", start=months_ago(30))
    for code in ("QN08690M", "QN08691M"):
        tiny = residence(landlord, f"Petite {code}", qpv=make_qpv(code, f"Petit quartier {code}", ["86194"]))
        equip(dwellings(tiny, 3)[:1], on=months_ago(2))
    tiny_landlord = OrganizationFactory(landlord=True, name="Tout Petit Bailleur")
    dwellings(residence(tiny_landlord, "Maisonnette", qpv=scene.trois_cites), 2)
    Subscription.objects.update(box_serial="BOX-SECRET-42")
    refresh(full=True)


@pytest.fixture
def tilleuls_online(scene, landlord, operator):
    """Five of the Tilleuls' dwellings with an active subscription since two months ago: the Trois Cités
    count 6 active dwellings of 16 at the end of last month (with Clos Gaultier's #2)."""
    deal = contract(tender(landlord, [scene.tilleuls], "contracted", "AO-TILLEULS-2"), operator, start=months_ago(3))
    for lodging in scene.lodgings["tilleuls"][:5]:
        subscribe(deal, lodging, ("active", months_ago(2)))
    refresh(full=True)


@pytest.mark.parametrize("url", [PAGE, QPV_CSV, LANDLORD_CSV])
def test_anyone_may_read_the_open_data(client, scene, url):
    assert client.get(url).status_code == 200


def test_the_csv_holds_no_dwelling_level_data(client, small_cells):
    """Look for anything that identifies a dwelling or a household: ids, leases, addresses, small counts."""
    content = client.get(QPV_CSV).content.decode() + client.get(LANDLORD_CSV).content.decode()
    for lodging in Lodging.objects.all():
        assert lodging.rpls_id not in content
        assert lodging.internal_id not in content
    for lease in Lease.objects.all():
        assert lease.reference not in content
    assert "BOX-SECRET" not in content
    for word in ("RUE", "TESTS", "Tilleuls", "Maisonnette", "Petite"):
        assert word not in content
    for level in (QPV_CSV, LANDLORD_CSV):
        for row in rows(client.get(level)):
            total = int(row["logements"])
            assert total >= opendata.THRESHOLD
            for column, value in row.items():
                if column.startswith("logements_") and value != "":
                    count = int(value)
                    assert count == 0 or count >= opendata.THRESHOLD, (column, row)
                    assert total - count == 0 or total - count >= opendata.THRESHOLD, (column, row)


def test_small_qpv_are_merged_and_a_too_small_landlord_left_out(client, small_cells, landlord):
    by_code = {row["code_qpv"]: row for row in rows(client.get(QPV_CSV))}
    assert "QN08690M" not in by_code and "QN08691M" not in by_code
    merged = by_code[""]
    assert merged["nom_qpv"] == "Autres QPV de moins de 5 logements (2)"
    assert merged["logements"] == "6"
    assert merged["logements_equipes_box"] == ""  # 2 of 6: secret
    landlords = {row["nom_bailleur"] for row in rows(client.get(LANDLORD_CSV))}
    assert "Tout Petit Bailleur" not in landlords
    assert not any(name.startswith("Autres bailleurs") for name in landlords)  # 2 dwellings: still too few


def test_published_figures_are_those_of_the_last_closed_month(client, scene, landlord):
    by_code = {row["code_qpv"]: row for row in rows(client.get(QPV_CSV))}
    trois_cites = by_code["QN08604M"]
    # End of last month: 16 dwellings, 6 boxes (the box of this month is not in yet), 7 with an outlet or box.
    assert (trois_cites["logements"], trois_cites["logements_equipes_box"], trois_cites["part_equipee_pct"]) == (
        "16",
        "6",
        "38",
    )
    assert trois_cites["logements_abonnement_actif"] == ""  # 1 of 16: secret
    assert trois_cites["residences"] == "2" and trois_cites["residences_raccordables_fibre"] == "1"
    assert by_code["QN08603M"]["logements_equipes_box"] == ""  # 3 of 6: secret
    clain = {row["siren_bailleur"]: row for row in rows(client.get(LANDLORD_CSV))}[landlord.siren]
    assert clain["nom_bailleur"] == "Habitat du Clain"
    assert clain["logements"] == "29" and clain["logements_en_qpv"] == "24"


def test_active_subscriptions_are_published_when_not_secret(client, tilleuls_online, landlord):
    trois_cites = {row["code_qpv"]: row for row in rows(client.get(QPV_CSV))}["QN08604M"]
    assert (trois_cites["logements_abonnement_actif"], trois_cites["part_abonnement_actif_pct"]) == ("6", "38")
    clain = {row["siren_bailleur"]: row for row in rows(client.get(LANDLORD_CSV))}[landlord.siren]
    assert (clain["logements_abonnement_actif"], clain["part_abonnement_actif_pct"]) == ("6", "21")
    html = client.get(PAGE).content.decode()
    cells = '<td class="num">16</td><td class="num">6</td><td class="num">38 %</td><td class="num">6</td>'
    assert f'<th scope="row">Trois Cités</th>{cells}<td class="num">38 %</td>' in html


def test_the_page_gives_the_licence_the_method_and_the_files(client, scene):
    html = client.get(PAGE).content.decode()
    assert "Licence Ouverte / Open Licence version 2.0 (Etalab)" in html
    assert "Secret statistique" in html
    assert f'href="{QPV_CSV}"' in html and f'href="{LANDLORD_CSV}"' in html


def test_the_ocds_export_of_the_tenders_is_linked(client, scene):
    html = client.get(PAGE).content.decode()
    package, page = reverse("operators:ocds_package"), reverse("operators:open_data")
    assert re.search(rf'<a href="{package}">Appels d\'offres et marchés au format Open Contracting', html)
    assert f'href="{page}"' in html


def test_without_an_ocds_export_the_page_says_it_will_come(client, scene, monkeypatch):
    monkeypatch.setattr(views, "OCDS_URL_NAMES", ("operators:no_such_export",))
    assert "bientôt disponibles" in client.get(PAGE).content.decode()


def test_before_the_first_month_is_computed_nothing_is_published(client, db):
    assert "Les premiers chiffres seront publiés" in client.get(PAGE).content.decode()
    assert rows(client.get(QPV_CSV)) == []


@pytest.mark.parametrize(
    ("count", "total", "published"),
    [(0, 10, True), (4, 10, False), (5, 10, True), (6, 10, False), (10, 10, True), (9, 10, False), (0, 0, True)],
)
def test_publishable(count, total, published):
    assert opendata.publishable(count, total) is published


@pytest.mark.parametrize("url", [PAGE, QPV_CSV, LANDLORD_CSV])
def test_the_same_number_of_queries_whatever_the_size(client, small_cells, landlord, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(3):
        home = residence(landlord, f"Grande {n}", qpv=make_qpv(f"QN0869{n + 3}M", f"Grand quartier {n}", ["86194"]))
        equip(dwellings(home, 20)[:10], on=months_ago(2))
    refresh(full=True)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)
