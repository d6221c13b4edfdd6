import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.leases.cast import SEES_PAGE
from tests.leases.factories import bulk_lodgings


def url(residence):
    return reverse("leases:residence_detail", args=[residence.pk])


@pytest.mark.parametrize(("who", "status"), SEES_PAGE.items())
def test_residence_page_by_role(client_of, cast, residence, who, status):
    assert client_of(cast[who]).get(url(residence)).status_code == status


def test_shows_its_dwellings_equipment_rate_fibre_and_confidence(client_of, cast, stock, residence, landlord_admin):
    stock["lodging"].record_equipment(status="box", effective_date=datetime.date(2025, 1, 2), by=landlord_admin)
    text = client_of(cast["city_admin"]).get(url(residence)).text
    assert stock["lodging"].rpls_id in text and stock["vacant"].rpls_id in text
    assert stock["brest"].rpls_id not in text
    assert "50 %" in text
    assert "Déployé" in text
    assert "Élevée : même numéro, même voie" in text
    assert residence.fibre_building_id in text
    assert "Équiper des logements" not in text


def test_unmatched_residence_says_so(client_of, cast, rival_residence, rival_lodging):
    text = client_of(cast["landlord2_admin"]).get(url(rival_residence)).text
    assert "Non rapprochée" in text
    assert "Aucun immeuble du fichier ARCEP" in text


def test_landlord_editor_gets_a_link_to_equip_its_dwellings(client_of, cast, residence, lodging):
    text = client_of(cast["landlord_member"]).get(url(residence)).text
    assert f"?residence={residence.pk}" in text


def test_dwellings_that_left_are_counted_apart(client_of, cast, residence, stock):
    stock["vacant"].leave_stock(reason="sold", on=datetime.date(2024, 5, 1))
    text = client_of(cast["landlord_admin"]).get(url(residence)).text
    assert "et 1 sorti du parc" in text
    assert stock["vacant"].rpls_id not in text


def test_same_number_of_queries_at_two_sizes(client_of, cast, residence):
    client = client_of(cast["landlord_admin"])
    counts = []
    for size in (10, 500):
        bulk_lodgings(residence, size, start=len(counts) * 10)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(residence)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
