import html

import pytest
from django.urls import reverse

from leases.models import Lease
from tests.subscriptions import factories

from .cast import SEES


def url(residence):
    return reverse("subscriptions:residence_detail", args=[residence.pk])


def text(response):
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(("who", "status"), SEES.items())
def test_who_sees_the_residence(client_of, cast, world, tilleuls, who, status):
    assert client_of(cast[who]).get(url(tilleuls)).status_code == status


def test_the_landlord_sees_funnel_basis_and_charge(client_of, cast, world, tilleuls):
    page = text(client_of(cast["landlord_admin"]).get(url(tilleuls)))
    assert "Accord collectif (art. 42 de la loi n° 86-1290)" in page
    assert "2,67 €" in page  # 10,68 € TTC less the landlord's 75 %
    assert "Modifier la part du bailleur" in page
    assert "Mettre fin" in page


def test_the_city_sees_the_basis_without_acting(client_of, cast, world, tilleuls):
    page = text(client_of(cast["city_admin"]).get(url(tilleuls)))
    assert "Accord collectif" in page
    assert "Modifier la part du bailleur" not in page


def test_the_operator_sees_only_the_funnel(client_of, cast, world, tilleuls):
    page = text(client_of(cast["operator_admin"]).get(url(tilleuls)))
    assert "Déploiement" in page
    assert "Base juridique" not in page


def test_without_basis_the_landlord_is_offered_the_three_routes(client_of, cast, contract, tilleuls):
    page = text(client_of(cast["landlord_member"]).get(url(tilleuls)))
    for label in ["Consulter les locataires", "Enregistrer un accord signé par les associations", "Adopter l'adhésion"]:
        assert label in page


def test_under_opt_in_the_landlord_lists_the_leases(client_of, cast, contract, tilleuls, tilleuls_dwellings):
    factories.opt_in_basis(tilleuls)
    lease = Lease.objects.filter(lodging__in=tilleuls_dwellings).first()
    factories.opt_in(lease, lease.start)
    page = text(client_of(cast["landlord_viewer"]).get(url(tilleuls)))
    assert "1 bail en cours avec une adhésion" in page
    assert lease.reference in page
    assert "Adhésion du bail" not in page  # a viewer reads only


def test_the_city_never_sees_lease_references(client_of, cast, contract, tilleuls, tilleuls_dwellings):
    factories.opt_in_basis(tilleuls)
    lease = Lease.objects.filter(lodging__in=tilleuls_dwellings).first()
    assert lease.reference not in text(client_of(cast["city_admin"]).get(url(tilleuls)))


def test_constant_queries_on_the_lease_list(client_of, cast, contract, tilleuls, django_assert_max_num_queries):
    factories.opt_in_basis(tilleuls)
    client = client_of(cast["landlord_admin"])
    client.get(url(tilleuls))
    with django_assert_max_num_queries(40) as small:
        client.get(url(tilleuls))
    factories.dwellings(tilleuls, 30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url(tilleuls))
