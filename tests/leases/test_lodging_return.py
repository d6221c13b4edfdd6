import datetime

import pytest
from django.urls import reverse

from tests.leases.cast import MAY_ACT


def url(lodging):
    return reverse("leases:lodging_return", args=[lodging.pk])


@pytest.fixture
def sold_lodging(lodging):
    lodging.leave_stock(reason="sold", on=datetime.date(2024, 11, 4))
    return lodging


@pytest.mark.parametrize(("who", "status"), MAY_ACT.items())
def test_undo_the_exit_by_role(client_of, cast, sold_lodging, who, status):
    response = client_of(cast[who]).post(url(sold_lodging))
    assert response.status_code == status
    sold_lodging.refresh_from_db()
    assert sold_lodging.in_stock is (status == 302)


def test_landlord_member_brings_a_dwelling_back_into_the_stock(client_of, cast, sold_lodging):
    response = client_of(cast["landlord_member"]).post(url(sold_lodging), follow=True)
    assert "est de nouveau dans le parc" in response.text
    sold_lodging.refresh_from_db()
    assert (sold_lodging.exit_reason, sold_lodging.exited_on) == ("", None)


def test_a_dwelling_in_the_stock_cannot_come_back_twice(client_of, cast, lodging):
    response = client_of(cast["landlord_admin"]).post(url(lodging), follow=True)
    assert "Ce logement est déjà dans le parc." in response.text


def test_get_is_not_allowed(client_of, cast, sold_lodging):
    assert client_of(cast["landlord_admin"]).get(url(sold_lodging)).status_code == 405
