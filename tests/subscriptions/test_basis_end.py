import datetime

import pytest
from django.urls import reverse

from subscriptions.models import LegalBasis
from tests.subscriptions import factories

from .cast import BASIS_LANDLORD_ACTS


@pytest.fixture
def basis(tilleuls):
    return factories.collective(tilleuls)


def url(basis):
    return reverse("subscriptions:basis_end", args=[basis.pk])


@pytest.mark.parametrize(("who", "status"), BASIS_LANDLORD_ACTS.items())
def test_who_may_end_a_basis(client_of, cast, basis, who, status):
    response = client_of(cast[who]).post(url(basis), {"on": "2025-06-30", "reason": "Nouvel accord en préparation"})
    assert response.status_code == status
    basis.refresh_from_db()
    assert (basis.state == LegalBasis.State.ENDED) == (status == 302)


def test_an_ended_basis_still_covers_its_months(client_of, cast, basis, tilleuls):
    client_of(cast["landlord_admin"]).post(url(basis), {"on": "2025-06-30", "reason": "Dénoncé"})
    basis.refresh_from_db()
    assert basis.covers(datetime.date(2025, 6, 30)) and not basis.covers(datetime.date(2025, 7, 1))
    # the residence may now get a new basis
    assert LegalBasis.open_for(tilleuls) is None


def test_the_form_is_shown(client_of, cast, basis):
    assert "Mettre fin à la base juridique" in client_of(cast["landlord_admin"]).get(url(basis)).content.decode()
