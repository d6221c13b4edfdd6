"""The export button of the lodging list: what the user sees, filtered like the list."""

import io

import openpyxl
import pytest
from django.urls import reverse

from leases.models import EquipmentStatus, ExitReason
from tests.leases.factories import LodgingFactory, ResidenceFactory

pytestmark = pytest.mark.django_db
URL = reverse("leases:lodging_export")


def exported(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    return [row[0] for row in rows[1:]]


@pytest.fixture
def stock(landlord, landlord2, qpvs):
    tilleuls = ResidenceFactory(landlord=landlord, qpv=qpvs["QN08604M"])
    LodgingFactory(residence=tilleuls, rpls_id="0860000001", qpv=qpvs["QN08604M"], equipment_status=EquipmentStatus.BOX)
    LodgingFactory(residence__landlord=landlord, rpls_id="0860000002", commune="86041", street_name="DES ROSES")
    LodgingFactory(residence__landlord=landlord, rpls_id="0860000003", exit_reason=ExitReason.SOLD)
    LodgingFactory(residence__landlord=landlord2, rpls_id="0860000009")
    LodgingFactory(residence__landlord=landlord, rpls_id="2900000001", commune="29019")
    return tilleuls


def test_landlord_exports_its_stock_in_stock_only(landlord_viewer, client_of, stock):
    assert exported(client_of(landlord_viewer)) == ["0860000001", "0860000002", "2900000001"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"qpv": "QN08604M"}, ["0860000001"]),
        ({"qpv": "hors"}, ["0860000002", "2900000001"]),
        ({"commune": "86041"}, ["0860000002"]),
        ({"equipment": "box"}, ["0860000001"]),
        ({"q": "roses"}, ["0860000002"]),
    ],
)
def test_export_follows_the_list_filters(landlord_viewer, client_of, stock, params, expected):
    assert exported(client_of(landlord_viewer), **params) == expected


def test_export_by_residence(landlord_viewer, client_of, stock):
    assert exported(client_of(landlord_viewer), residence=stock.pk) == ["0860000001"]


def test_city_exports_the_stock_in_its_communes(city_member, client_of, stock):
    assert exported(client_of(city_member)) == ["0860000001", "0860000002", "0860000009"]


def test_a_city_elsewhere_exports_only_what_lies_in_its_communes(outsider, client_of, stock):
    assert exported(client_of(outsider)) == ["2900000001"]


def test_operator_exports_nothing_without_a_tender(operator_admin, client_of, stock):
    assert exported(client_of(operator_admin)) == []
