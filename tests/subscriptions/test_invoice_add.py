from decimal import Decimal

import pytest
from django.urls import reverse

from subscriptions.models import OperatorInvoice

from .cast import LANDLORD_ACTS

DATA = {"month": "2025-03", "reference": "FC-2025-03", "amount_ht": "35,60", "vat_rate": "20"}


def url(contract):
    return reverse("subscriptions:invoice_add", args=[contract.pk])


@pytest.mark.parametrize(("who", "status"), LANDLORD_ACTS.items())
def test_who_may_enter_an_invoice(client_of, cast, contract, who, status):
    assert client_of(cast[who]).post(url(contract), DATA).status_code == status
    assert OperatorInvoice.objects.exists() == (status == 302)


def test_an_invoice_is_stored_ht_with_its_vat(client_of, cast, contract):
    client_of(cast["landlord_member"]).post(url(contract), DATA)
    invoice = OperatorInvoice.objects.get()
    assert (str(invoice.month), invoice.amount_ht, invoice.amount_ttc) == (
        "2025-03-01",
        Decimal("35.60"),
        Decimal("42.72"),
    )


def test_one_invoice_per_month(client_of, cast, contract):
    client = client_of(cast["landlord_member"])
    client.post(url(contract), DATA)
    response = client.post(url(contract), DATA, follow=True)
    assert "La facture de 03/2025 est déjà saisie pour ce marché." in response.content.decode()


def test_not_before_the_contract(client_of, cast, contract):
    response = client_of(cast["landlord_member"]).post(url(contract), {**DATA, "month": "2024-12"}, follow=True)
    assert "Le marché commence le 01/01/2025." in response.content.decode()
    assert not OperatorInvoice.objects.exists()


def test_the_landlord_deletes_an_invoice(client_of, cast, contract):
    client_of(cast["landlord_member"]).post(url(contract), DATA)
    invoice = OperatorInvoice.objects.get()
    delete = reverse("subscriptions:invoice_delete", args=[invoice.pk])
    assert client_of(cast["operator_admin"]).post(delete).status_code == 403
    assert client_of(cast["city_admin"]).post(delete).status_code == 404
    client_of(cast["landlord_admin"]).post(delete)
    assert not OperatorInvoice.objects.exists()
