import datetime

import pytest
from django.urls import reverse

from leases.models import ExitReason, Lodging
from tests.leases.cast import MAY_ACT


def url(lodging):
    return reverse("leases:lodging_exit", args=[lodging.pk])


@pytest.mark.parametrize(("who", "status"), MAY_ACT.items())
def test_mark_as_left_by_role(client_of, cast, lodging, who, status):
    response = client_of(cast[who]).post(url(lodging), {"reason": "sold", "exited_on": "2025-01-15"})
    assert response.status_code == status
    lodging.refresh_from_db()
    assert lodging.in_stock is (status != 302)


def test_landlord_admin_marks_a_demolished_dwelling(client_of, cast, lodging):
    response = client_of(cast["landlord_admin"]).post(url(lodging), {"reason": "demolished", "exited_on": "2025-01-15"})
    assert response["Location"] == lodging.get_absolute_url()
    lodging.refresh_from_db()
    assert (lodging.exit_reason, lodging.exited_on) == (ExitReason.DEMOLISHED, datetime.date(2025, 1, 15))
    # It stays on record with its history, but no longer counts in the stock.
    assert lodging.leases.count() == 2
    assert not Lodging.objects.in_stock().filter(pk=lodging.pk).exists()


def test_already_left_is_a_friendly_message(client_of, cast, lodging):
    lodging.leave_stock(reason="sold", on=datetime.date(2024, 1, 1))
    response = client_of(cast["landlord_admin"]).post(
        url(lodging), {"reason": "demolished", "exited_on": "2025-01-15"}, follow=True
    )
    assert "Ce logement est déjà sorti du parc." in response.text
    lodging.refresh_from_db()
    assert (lodging.exit_reason, lodging.exited_on) == ("sold", datetime.date(2024, 1, 1))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "sold", "exited_on": "2999-01-01"}, "La date ne peut pas être dans le futur."),
        ({"reason": "", "exited_on": "2025-01-15"}, "Ce champ est obligatoire."),
        ({"reason": "stolen", "exited_on": "2025-01-15"}, "Sélectionnez un choix valide"),
        ({"reason": "sold", "exited_on": "hier"}, "Saisissez une date valide."),
    ],
)
def test_bad_input_is_explained_and_nothing_changes(client_of, cast, lodging, data, message):
    response = client_of(cast["landlord_admin"]).post(url(lodging), data)
    assert response.status_code == 200
    assert message in response.text
    lodging.refresh_from_db()
    assert lodging.in_stock


def test_get_is_not_allowed(client_of, cast, lodging):
    assert client_of(cast["landlord_admin"]).get(url(lodging)).status_code == 405
