"""The public release package at /appels-d-offres/ocds.json."""

import pytest
from django.urls import reverse

from operators.releases import BID_EXTENSION_URL, record_release
from tests.operators.factories import make_tender, publish
from tests.operators.ocds_schema import validation_errors

URL = reverse("operators:ocds_package")


def test_anyone_downloads_a_valid_package_without_logging_in(client, staged, landlord_admin):
    for stage, tags in [
        ("published", ["tender"]),
        ("opened", ["tender", "tenderUpdate"]),
        ("awarded", ["tender", "tenderUpdate", "award"]),
        ("contracted", ["tender", "tenderUpdate", "award", "contract"]),
    ]:
        tender = staged(stage)
        for tag in tags:
            record_release(tender=tender, tag=tag)
    cancelled = staged("published")
    cancelled.cancel(by=landlord_admin, reasons="Périmètre revu.")
    cancelled.save()
    record_release(tender=cancelled, tag="tenderCancellation")

    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    package = response.json()
    assert package["version"] == "1.1" and package["extensions"] == [BID_EXTENSION_URL]
    assert package["uri"].endswith(URL) and package["license"].startswith("https://www.etalab.gouv.fr/")
    assert len(package["releases"]) == 11
    assert validation_errors(package) == []


def test_a_draft_never_appears(client, landlord, landlord_admin, draft_tender):
    record_release(tender=publish(make_tender(landlord), landlord_admin), tag="tender")
    package = client.get(URL).json()
    assert draft_tender.reference not in str(package) and len(package["releases"]) == 1


def test_the_package_reads_the_same_number_of_queries_whatever_its_size(
    client, landlord, landlord_admin, django_assert_num_queries
):
    def add(count):
        for _ in range(count):
            record_release(tender=publish(make_tender(landlord, dwellings=1), landlord_admin), tag="tender")

    add(1)
    with django_assert_num_queries(1):
        assert len(client.get(URL).json()["releases"]) == 1
    add(4)
    with django_assert_num_queries(1):
        assert len(client.get(URL).json()["releases"]) == 5


@pytest.mark.parametrize("method", ["post", "delete"])
def test_the_package_is_read_only(client, method):
    assert getattr(client, method)(URL).status_code == 405
