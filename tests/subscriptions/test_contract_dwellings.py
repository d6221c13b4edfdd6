import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from .cast import SEES

# The list of the contract's dwellings is the parties' working file (the report template).
DOWNLOADS = {**SEES, "city_admin": 403, "city_member": 403, "state_user": 403}


def url(contract):
    return reverse("subscriptions:contract_dwellings", args=[contract.pk])


@pytest.mark.parametrize(("who", "status"), DOWNLOADS.items())
def test_who_downloads_the_contracts_dwellings(client_of, cast, world, who, status):
    assert client_of(cast[who]).get(url(world)).status_code == status


def test_it_is_a_report_template_with_the_current_statuses(client_of, cast, world, tilleuls_dwellings):
    response = client_of(cast["operator_admin"]).get(url(world))
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("IDENT_REP", "STATUT", "DATE_EFFET", "NUMERO_SERIE", "MOTIF")
    assert [row[:2] for row in rows[1:]] == [
        (d.rpls_id, s) for d, s in zip(tilleuls_dwellings, ["actif", "installé", "suspendu", "prévu"], strict=True)
    ]
