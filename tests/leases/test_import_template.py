"""Blank spreadsheets to fill: columns and one example line."""

import io

import openpyxl
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "columns"),
    [
        ("lodgings", ("IDENT_REP", "IDENT_INT", "DEPCOM")),
        ("leases", ("IDENT_REP", "REFERENCE_BAIL", "DATE_DEBUT", "DATE_FIN")),
        ("equipment", ("IDENT_REP", "EQUIPEMENT", "DATE_EQUIPEMENT")),
    ],
)
def test_landlord_downloads_each_template(landlord_admin, client_of, kind, columns):
    response = client_of(landlord_admin).get(reverse("leases:import_template", args=[kind]))
    assert response["Content-Disposition"].startswith("attachment; filename=")
    header = next(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert header[: len(columns)] == columns


def test_unknown_kind_is_404(landlord_admin, client_of):
    assert client_of(landlord_admin).get(reverse("leases:import_template", args=["bids"])).status_code == 404
