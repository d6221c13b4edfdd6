import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from subscriptions.models import LegalBasis

from .cast import BASIS_LANDLORD_ACTS


@pytest.fixture
def consultation(tilleuls, landlord_admin):
    return LegalBasis.start_consultation(
        residence=tilleuls, proposed_charge=Decimal("2.67"), answer_by=datetime.date.today(), by=landlord_admin
    )


def url(basis):
    return reverse("subscriptions:basis_abandon", args=[basis.pk])


@pytest.mark.parametrize(("who", "status"), BASIS_LANDLORD_ACTS.items())
def test_who_may_abandon_a_consultation(client_of, cast, consultation, who, status):
    assert client_of(cast[who]).post(url(consultation)).status_code == status
    consultation.refresh_from_db()
    assert (consultation.state == LegalBasis.State.ENDED) == (status == 302)
    assert consultation.effective_from is None  # an abandoned consultation never allowed a charge


def test_get_is_not_allowed(client_of, cast, consultation):
    assert client_of(cast["landlord_admin"]).get(url(consultation)).status_code == 405
