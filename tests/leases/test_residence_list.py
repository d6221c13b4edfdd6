import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leases.models import EquipmentStatus, Lodging
from tests.leases.factories import ResidenceFactory, bulk_lodgings

URL = reverse("leases:residence_list")

SEES = {
    "landlord_admin": {"Les Tilleuls", "Le Phare"},
    "landlord_viewer": {"Les Tilleuls", "Le Phare"},
    "landlord2_admin": {"Saint-Eloi"},
    "city_admin": {"Les Tilleuls", "Saint-Eloi"},
    "state_user": {"Les Tilleuls", "Saint-Eloi"},
    "operator_admin": set(),
    "outsider": {"Le Phare"},
}


@pytest.mark.parametrize(("who", "expected"), SEES.items())
def test_each_member_of_the_cast_sees_its_residences(client_of, cast, stock, who, expected):
    response = client_of(cast[who]).get(URL)
    assert response.status_code == 200
    assert {name for name in ["Les Tilleuls", "Le Phare", "Saint-Eloi"] if name in response.text} == expected


def test_counts_equipment_rate_and_fibre(client_of, cast, stock, landlord_admin):
    stock["lodging"].record_equipment(status="box", effective_date=datetime.date(2025, 1, 2), by=landlord_admin)
    text = client_of(cast["landlord_admin"]).get(URL, {"q": "tilleuls"}).text
    row = text[text.index("Les Tilleuls") :]
    assert "<td>2</td><td>1</td>" in row  # two dwellings, one with a box
    assert "50 %" in row
    assert "Déployé" in row and "confiance élevée" in row


def test_filters(client_of, cast, stock):
    client = client_of(cast["city_admin"])
    assert "Saint-Eloi" not in client.get(URL, {"fibre": "ready"}).text
    assert "Les Tilleuls" not in client.get(URL, {"fibre": "unknown"}).text
    assert "Les Tilleuls" not in client.get(URL, {"commune": "86041"}).text
    assert "Saint-Eloi" not in client.get(URL, {"qpv": "QN08604M"}).text


def test_sorted_by_equipment_rate(client_of, cast, landlord, residence):
    low = ResidenceFactory(landlord=landlord, name="Zéro box")
    bulk_lodgings(low, 4)
    high = ResidenceFactory(landlord=landlord, name="Toutes équipées")
    bulk_lodgings(high, 2, equipment_status=EquipmentStatus.BOX)
    text = client_of(cast["landlord_admin"]).get(URL, {"sort": "-equipped_rate"}).text
    assert text.index("Toutes équipées") < text.index("Zéro box")


def test_same_number_of_queries_at_two_sizes(client_of, cast, landlord):
    client = client_of(cast["city_admin"])
    counts = []
    for size in (5, 200):
        for index in range(size - Lodging.objects.values("residence").distinct().count()):
            bulk_lodgings(ResidenceFactory(landlord=landlord), 3, start=index)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
