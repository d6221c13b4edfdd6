"""The consultation letter and the ballot, as PDFs the landlord sends to the tenants."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from subscriptions.models import LegalBasis
from tests.subscriptions import factories

from .cast import BASIS_LANDLORD_ACTS

DOWNLOADS = {**BASIS_LANDLORD_ACTS, "landlord_admin": 200, "landlord_member": 200}


@pytest.fixture
def consultation(contract, tilleuls, landlord_admin):
    return LegalBasis.start_consultation(
        residence=tilleuls, proposed_charge=Decimal("2.67"), answer_by=datetime.date(2030, 3, 31), by=landlord_admin
    )


@pytest.mark.parametrize("name", ["subscriptions:basis_letter", "subscriptions:basis_ballot"])
@pytest.mark.parametrize(("who", "status"), DOWNLOADS.items())
def test_who_downloads_the_documents(client_of, cast, consultation, name, who, status):
    response = client_of(cast[who]).get(reverse(name, args=[consultation.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_no_letter_for_an_agreement_signed_by_associations(client_of, cast, tilleuls):
    basis = factories.collective(tilleuls)
    response = client_of(cast["landlord_admin"]).get(
        reverse("subscriptions:basis_letter", args=[basis.pk]), follow=True
    )
    assert "Ce document accompagne une consultation des locataires." in response.content.decode()


def test_the_letter_says_the_rule_and_the_amount(consultation):
    from django.template.loader import render_to_string

    from subscriptions.views.residences import _consultation_context

    text = render_to_string("subscriptions/pdf/consultation_letter.html", _consultation_context(consultation))
    assert "2,67 € TTC par mois" in text
    assert "au moins 25 % des 4 foyers consultés" in text
    assert "31 mars 2030" in text
