"""The export button of the lodging list: what the user sees, filtered like the list (LodgingFilter)."""

import io

import openpyxl
import pytest
from django.urls import reverse

from leases.models import EquipmentStatus, ExitReason
from tests.leases.factories import LeaseFactory, LodgingFactory, ResidenceFactory

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
    let = LodgingFactory(
        residence__landlord=landlord, residence__commune="86041", rpls_id="0860000002", street_name="DES ROSES"
    )
    LeaseFactory(lodging=let)
    LodgingFactory(residence__landlord=landlord, rpls_id="0860000003", exit_reason=ExitReason.SOLD)
    LodgingFactory(residence__landlord=landlord2, rpls_id="0860000009")
    LodgingFactory(residence__landlord=landlord, residence__commune="29019", rpls_id="2900000001")
    return tilleuls


def test_landlord_exports_its_stock_in_stock_only(landlord_viewer, client_of, stock):
    assert exported(client_of(landlord_viewer)) == ["0860000001", "0860000002", "2900000001"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"qpv": "QN08604M"}, ["0860000001"]),
        ({"qpv": "HZ"}, ["0860000002", "2900000001"]),
        ({"commune": "86041"}, ["0860000002"]),
        ({"equipment": "box"}, ["0860000001"]),
        ({"q": "roses"}, ["0860000002"]),
        ({"vacancy": "let"}, ["0860000002"]),
        ({"stock": "left"}, ["0860000003"]),
        ({"stock": "all"}, ["0860000001", "0860000002", "0860000003", "2900000001"]),
        ({"sort": "-rpls_id", "page": "2"}, ["0860000001", "0860000002", "2900000001"]),
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


def test_the_list_links_to_the_export_with_its_filters(landlord_member, client_of, stock):
    response = client_of(landlord_member).get(reverse("leases:lodging_list"), {"qpv": "QN08604M", "equipment": "box"})
    assert f'href="{URL}?qpv=QN08604M&amp;equipment=box"' in response.content.decode()
    assert exported(client_of(landlord_member), qpv="QN08604M", equipment="box") == ["0860000001"]


def test_the_list_links_to_import_and_history_for_landlord_editors(landlord_member, client_of, stock):
    page = client_of(landlord_member).get(reverse("leases:lodging_list")).content.decode()
    assert reverse("leases:import_upload", args=["lodgings"]) in page
    assert reverse("leases:import_list") in page


def test_a_landlord_viewer_sees_the_history_but_cannot_import(landlord_viewer, client_of, stock):
    page = client_of(landlord_viewer).get(reverse("leases:lodging_list")).content.decode()
    assert reverse("leases:import_upload", args=["lodgings"]) not in page
    assert reverse("leases:import_list") in page


def test_city_staff_export_but_see_no_import_link(city_member, client_of, stock):
    page = client_of(city_member).get(reverse("leases:lodging_list")).content.decode()
    assert URL in page
    assert reverse("leases:import_list") not in page
