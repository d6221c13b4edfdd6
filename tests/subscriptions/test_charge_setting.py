"""The landlord's share per residence, never leaving tenants above the charter ceiling."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from subscriptions.models import ChargeSetting
from tests.subscriptions import factories

from .cast import LANDLORD_ACTS


def url(residence):
    return reverse("subscriptions:charge_setting", args=[residence.pk])


def data(share, month="2025-03", key="per_dwelling"):
    """The form as shown: `seen` is the last setting recorded then (none: 0)."""
    from subscriptions.models import ChargeSetting

    last = ChargeSetting.objects.order_by("-created_at", "-pk").values_list("pk", flat=True).first()
    return {"valid_from": month, "landlord_share_percent": share, "allocation_key": key, "seen": last or 0}


@pytest.fixture
def ceiling(landlord, city_admin, landlord_admin, tilleuls):
    city = city_admin.memberships.get().organization
    return factories.ceiling(
        landlord, "3.00", city=city, city_admin=city_admin, admin=landlord_admin, qpvs=[tilleuls.qpv]
    )


@pytest.mark.parametrize(("who", "status"), LANDLORD_ACTS.items())
def test_who_may_set_the_share(client_of, cast, contract, tilleuls, who, status):
    assert client_of(cast[who]).post(url(tilleuls), data("75")).status_code == status
    assert ChargeSetting.objects.exists() == (status == 302)


def test_the_share_applies_from_the_first_of_the_month(client_of, cast, contract, tilleuls):
    client_of(cast["landlord_member"]).post(url(tilleuls), data("72,5", key="living_area"))
    setting = ChargeSetting.objects.get()
    assert (str(setting.valid_from), setting.landlord_share_percent, setting.allocation_key) == (
        "2025-03-01",
        Decimal("72.50"),
        "living_area",
    )


def test_a_share_leaving_tenants_above_the_ceiling_is_refused(client_of, cast, contract, tilleuls, ceiling):
    response = client_of(cast["landlord_member"]).post(url(tilleuls), data("50"))
    page = html.unescape(response.content.decode())
    assert (
        "Les locataires paieraient 5,34 € TTC par mois, au-dessus du plafond de 3,00 € TTC auquel Habitat du Clain "
        "s'est engagé dans la charte. Portez la part du bailleur à 71.91 % au moins." in page
    )
    assert not ChargeSetting.objects.exists()


def test_at_the_ceiling_it_is_accepted(client_of, cast, contract, tilleuls, ceiling):
    client_of(cast["landlord_member"]).post(url(tilleuls), data("71,91"))  # 10,68 × 28,09 % = 3,0000…
    assert ChargeSetting.objects.get().tenant_amount(Decimal("10.68")) == Decimal("3.00")


def test_the_same_month_again_replaces_the_setting(client_of, cast, contract, tilleuls):
    client = client_of(cast["landlord_member"])
    client.post(url(tilleuls), data("75"))
    client.post(url(tilleuls), data("80"))
    assert list(ChargeSetting.objects.values_list("landlord_share_percent", flat=True)) == [Decimal("80.00")]


def test_a_share_above_100_is_refused(client_of, cast, contract, tilleuls):
    response = client_of(cast["landlord_member"]).post(url(tilleuls), data("120"))
    assert "inférieure ou égale à 100" in html.unescape(response.content.decode())


def test_a_stale_form_is_refused_not_overwritten(client_of, cast, contract, tilleuls):
    client_of(cast["landlord_member"]).post(url(tilleuls), {**data("75"), "seen": 0})
    response = client_of(cast["landlord_admin"]).post(url(tilleuls), {**data("60"), "seen": 0}, follow=True)
    assert "Quelqu'un a modifié la part du bailleur de cette résidence" in html.unescape(response.content.decode())
    assert list(ChargeSetting.objects.values_list("landlord_share_percent", flat=True)) == [Decimal("75.00")]
