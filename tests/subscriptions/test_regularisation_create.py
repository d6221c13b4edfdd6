"""Establishing a regularisation: provisions called against the actual cost, lease by lease.

The world (conftest): at Les Tilleuls the first dwelling is active from 1 February 2025, the third
from 1 February to its suspension on 1 March; tenants pay 2,67 € a full month. March is invoiced
9,60 € TTC for the one dwelling active: the tenant's actual share is 25 % of it, 2,40 €.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from leases.models import Lease
from subscriptions.models import Regularisation, RegularisationLine

URL = reverse("subscriptions:regularisation_create")

# Any landlord's editor establishes its own landlord's regularisation; a viewer may not.
CREATES = {
    "landlord_admin": 302,
    "landlord_member": 302,
    "landlord_viewer": 403,
    "landlord2_admin": 302,
    "city_admin": 404,
    "city_member": 404,
    "state_user": 404,
    "operator_admin": 404,
    "operator2_admin": 404,
    "outsider": 404,
}


@pytest.mark.parametrize(("who", "status"), CREATES.items())
def test_who_may_establish_a_regularisation(client_of, cast, invoiced, who, status):
    assert client_of(cast[who]).post(URL, {"year": 2025}).status_code == status
    assert Regularisation.objects.exists() == (status == 302)


def test_each_lease_gets_its_balance(client_of, cast, invoiced, tilleuls_dwellings):
    response = client_of(cast["landlord_member"]).post(URL, {"year": 2025}, follow=True)
    assert "Régularisation 2025 calculée : 2 baux." in response.content.decode()
    regularisation = Regularisation.objects.get()
    assert (regularisation.period_start, regularisation.period_end, regularisation.state) == (
        datetime.date(2025, 1, 1),
        datetime.date(2025, 12, 31),
        "draft",
    )
    first = RegularisationLine.objects.get(lease=Lease.objects.get(lodging=tilleuls_dwellings[0]))
    # 11 months × 2,67 € called; actual: 10 months at the contract's price and March at 2,40 €
    assert (first.provisions, first.actual_cost, first.balance) == (
        Decimal("29.37"),
        Decimal("29.10"),
        Decimal("-0.27"),
    )
    assert first.chargeable_days == 334
    assert first.months[1] == ["2025-03", 31, "2.67", "2.40"]
    third = RegularisationLine.objects.get(lease=Lease.objects.get(lodging=tilleuls_dwellings[2]))
    assert (third.provisions, third.actual_cost, third.balance) == (Decimal("2.67"), Decimal("2.67"), Decimal("0.00"))


def test_the_year_must_be_over(client_of, cast, invoiced):
    year = datetime.date.today().year
    response = client_of(cast["landlord_member"]).post(URL, {"year": year})
    assert "La période doit être écoulée" in response.content.decode()
    assert not Regularisation.objects.exists()


def test_an_earlier_close_then_the_rest_of_the_year(client_of, cast, invoiced):
    client = client_of(cast["landlord_member"])
    client.post(URL, {"year": 2025, "period_end": "2025-06-30"})
    client.post(URL, {"year": 2025})
    periods = list(Regularisation.objects.order_by("period_start").values_list("period_start", "period_end"))
    assert periods == [
        (datetime.date(2025, 1, 1), datetime.date(2025, 6, 30)),
        (datetime.date(2025, 7, 1), datetime.date(2025, 12, 31)),
    ]


def test_the_list_page(client_of, cast, regularisation):
    page = client_of(cast["landlord_viewer"]).get(reverse("subscriptions:regularisation_list")).content.decode()
    assert "Régularisation 2025" in page
    assert "Établir une régularisation" not in page  # a viewer reads only
