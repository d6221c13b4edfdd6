"""The tenant's statement (PDF): by type of charge, the key, the legal basis, six months of documents."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from leases.models import Lease
from subscriptions.views.money import statement_context

from .cast import LEASE_SEES


@pytest.fixture
def lease(regularisation, tilleuls_dwellings):
    return Lease.objects.get(lodging=tilleuls_dwellings[0])


def url(regularisation, lease):
    return reverse("subscriptions:regularisation_statement", args=[regularisation.pk, lease.pk])


@pytest.mark.parametrize(("who", "status"), LEASE_SEES.items())
def test_who_downloads_a_statement(client_of, cast, regularisation, lease, who, status):
    response = client_of(cast[who]).get(url(regularisation, lease))
    assert response.status_code == status
    if status == 200:
        assert response.content.startswith(b"%PDF")


def test_the_statement_says_what_the_law_asks(regularisation, lease, landlord_admin):
    regularisation.send(by=landlord_admin)
    regularisation.save()
    text = render_to_string("subscriptions/pdf/statement.html", statement_context(regularisation, lease))
    assert "Accès à internet (abonnement collectif, box comprise)" in text  # by type of charge
    assert "Solde en votre faveur : 0,27 €" in text
    assert "puis entre les logements de la résidence : à parts égales" in text  # the allocation key
    assert "Accord collectif (art. 42 de la loi n° 86-1290), signé le 01/01/2025 par CNL, CLCV" in text
    assert "tenus à votre disposition pendant six mois, jusqu'au" in text


def test_a_lease_outside_the_regularisation_is_a_404(client_of, cast, regularisation, tilleuls_dwellings):
    other = Lease.objects.get(lodging=tilleuls_dwellings[3])  # planned: never charged
    assert client_of(cast["landlord_admin"]).get(url(regularisation, other)).status_code == 404
