import datetime

import pytest
from django.urls import reverse

from subscriptions.models import BasisKind, LegalBasis

from .cast import LANDLORD_ACTS

DATA = {"signed_on": "2025-01-10", "associations": "CNL Trois Cités", "effective_from": "2025-02-01"}


def url(residence):
    return reverse("subscriptions:basis_agreement", args=[residence.pk])


@pytest.mark.parametrize(("who", "status"), LANDLORD_ACTS.items())
def test_who_may_record_an_agreement(client_of, cast, contract, tilleuls, who, status):
    assert client_of(cast[who]).post(url(tilleuls), DATA).status_code == status
    assert LegalBasis.objects.exists() == (status == 302)


def test_an_agreement_signed_by_associations_is_in_force_at_once(client_of, cast, contract, tilleuls):
    client_of(cast["landlord_admin"]).post(url(tilleuls), DATA)
    basis = LegalBasis.objects.get()
    assert (basis.kind, basis.state, basis.effective_from) == (
        BasisKind.COLLECTIVE_AGREEMENT,
        LegalBasis.State.IN_FORCE,
        datetime.date(2025, 2, 1),
    )
    assert basis.covers(datetime.date(2025, 2, 1)) and not basis.covers(datetime.date(2025, 1, 31))


def test_charges_cannot_start_before_the_signature(client_of, cast, contract, tilleuls):
    response = client_of(cast["landlord_admin"]).post(url(tilleuls), {**DATA, "effective_from": "2025-01-01"})
    assert "La refacturation ne peut pas commencer avant la signature" in response.content.decode()
    assert not LegalBasis.objects.exists()


def test_the_form_is_shown(client_of, cast, contract, tilleuls):
    assert (
        "Accord collectif signé par les associations"
        in client_of(cast["landlord_admin"]).get(url(tilleuls)).content.decode()
    )
