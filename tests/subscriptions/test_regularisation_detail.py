import pytest
from django.urls import reverse

from subscriptions.models import Regularisation
from tests.subscriptions import factories

from .cast import LEASE_SEES


def url(regularisation):
    return reverse("subscriptions:regularisation_detail", args=[regularisation.pk])


@pytest.mark.parametrize(("who", "status"), LEASE_SEES.items())
def test_who_sees_a_regularisation(client_of, cast, regularisation, who, status):
    assert client_of(cast[who]).get(url(regularisation)).status_code == status


def test_the_landlord_sees_the_totals_and_the_missing_invoices(client_of, cast, regularisation):
    page = client_of(cast["landlord_admin"]).get(url(regularisation)).content.decode()
    assert "Régularisation 2025" in page
    assert "0,27 €" in page  # to refund on the first lease
    assert "Mois sans facture saisie" in page
    assert "Marquer comme envoyée aux locataires" in page


def test_constant_queries_on_the_lines(
    client_of, cast, regularisation, tilleuls, landlord_admin, django_assert_max_num_queries
):

    client = client_of(cast["landlord_admin"])
    client.get(url(regularisation))
    with django_assert_max_num_queries(40) as small:
        client.get(url(regularisation))
    more = factories.dwellings(tilleuls, 20)
    factories.activate_all(
        regularisation.landlord.landlord_contracts.get(), more, __import__("datetime").date(2025, 5, 1)
    )
    Regularisation.objects.get(pk=regularisation.pk).compute(by=landlord_admin)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url(regularisation))
