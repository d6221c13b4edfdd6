import pytest
from django.urls import reverse

from subscriptions.models import BasisKind, LegalBasis

from .cast import LANDLORD_ACTS


def url(residence):
    return reverse("subscriptions:basis_opt_in", args=[residence.pk])


@pytest.mark.parametrize(("who", "status"), LANDLORD_ACTS.items())
def test_who_may_adopt_individual_opt_in(client_of, cast, contract, tilleuls, who, status):
    assert client_of(cast[who]).post(url(tilleuls), {"effective_from": "2025-03-01"}).status_code == status
    assert LegalBasis.objects.filter(kind=BasisKind.INDIVIDUAL_OPT_IN).exists() == (status == 302)


def test_it_lists_the_leases_to_opt_in(client_of, cast, contract, tilleuls):
    response = client_of(cast["landlord_admin"]).post(url(tilleuls), {"effective_from": "2025-03-01"}, follow=True)
    assert "Adhésions individuelles" in response.content.decode()
