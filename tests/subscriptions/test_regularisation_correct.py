"""A sent regularisation is frozen: a later change of the facts becomes correction lines."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from subscriptions.models import LineKind, OperatorInvoice, RegularisationLine

from .cast import LEASE_ACTS


@pytest.fixture
def sent(regularisation, landlord_admin):
    regularisation.send(by=landlord_admin)
    regularisation.save()
    return regularisation


def url(regularisation):
    return reverse("subscriptions:regularisation_correct", args=[regularisation.pk])


@pytest.mark.parametrize(("who", "status"), LEASE_ACTS.items())
def test_who_may_add_corrections(client_of, cast, sent, who, status):
    assert client_of(cast[who]).post(url(sent)).status_code == status


def test_nothing_changed_nothing_added(client_of, cast, sent):
    response = client_of(cast["landlord_member"]).post(url(sent), follow=True)
    assert "Aucun écart" in response.content.decode()
    assert not RegularisationLine.objects.filter(kind=LineKind.CORRECTION).exists()


def test_a_late_invoice_becomes_a_correction_line(client_of, cast, sent, world):
    frozen = list(RegularisationLine.objects.values_list("pk", "provisions", "actual_cost", "balance"))
    OperatorInvoice.objects.create(
        contract=world, month=datetime.date(2025, 4, 1), reference="FC-04", amount_ht=Decimal("12.00"), vat_rate=20
    )
    client_of(cast["landlord_member"]).post(url(sent))
    initial = RegularisationLine.objects.filter(kind=LineKind.INITIAL)
    assert list(initial.values_list("pk", "provisions", "actual_cost", "balance")) == frozen
    correction = RegularisationLine.objects.get(kind=LineKind.CORRECTION)
    # April: 14,40 € TTC for the one active dwelling, the tenant's quarter is 3,60 € instead of 2,67 €
    assert (correction.provisions, correction.actual_cost, correction.balance) == (
        Decimal("0.00"),
        Decimal("0.93"),
        Decimal("0.93"),
    )
    client_of(cast["landlord_member"]).post(url(sent))
    assert RegularisationLine.objects.filter(kind=LineKind.CORRECTION).count() == 1  # no double correction


def test_a_draft_gets_no_corrections(client_of, cast, regularisation):
    response = client_of(cast["landlord_member"]).post(url(regularisation), follow=True)
    assert "Un brouillon se recalcule" in response.content.decode()
    assert not RegularisationLine.objects.filter(kind=LineKind.CORRECTION).exists()
