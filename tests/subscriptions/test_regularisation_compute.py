import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from subscriptions.models import OperatorInvoice, RegularisationLine

from .cast import LEASE_ACTS


def url(regularisation):
    return reverse("subscriptions:regularisation_compute", args=[regularisation.pk])


@pytest.mark.parametrize(("who", "status"), LEASE_ACTS.items())
def test_who_may_recompute_a_draft(client_of, cast, regularisation, who, status):
    before = regularisation.computed_at
    assert client_of(cast[who]).post(url(regularisation)).status_code == status
    regularisation.refresh_from_db()
    assert (regularisation.computed_at != before) == (status == 302)


def test_a_draft_follows_the_facts(client_of, cast, regularisation, world):
    OperatorInvoice.objects.create(
        contract=world, month=datetime.date(2025, 4, 1), reference="FC-04", amount_ht=Decimal("12.00"), vat_rate=20
    )
    client_of(cast["landlord_member"]).post(url(regularisation))
    assert RegularisationLine.objects.filter(regularisation=regularisation).count() == 2
    assert sorted(RegularisationLine.objects.values_list("balance", flat=True)) == [Decimal("0.00"), Decimal("0.66")]


def test_a_sent_regularisation_is_not_recomputed(client_of, cast, regularisation):
    regularisation.send(by=cast["landlord_admin"])
    regularisation.save()
    response = client_of(cast["landlord_member"]).post(url(regularisation), follow=True)
    assert "elle ne se recalcule plus" in response.content.decode()
