"""An operator's dashboard (suivi/operateurs/<pk>/): the dwellings of its current contracts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from leases.models import EquipmentStatus
from monitoring.forms import month_label
from monitoring.history import month_start, refresh

from .factories import contract, dwellings, months_ago, residence, subscribe, tender
from .test_dashboard import key_figure, queries, text

MATRIX = {
    "operator_admin": 200,
    "operator2_admin": 404,
    "landlord_admin": 404,
    "landlord2_admin": 404,
    "city_admin": 403,
    "city_member": 403,
    "state_user": 404,
    "outsider": 404,
}


def url(organization):
    return reverse("monitoring:operator_dashboard", args=[organization.pk])


@pytest.mark.parametrize(("who", "status"), MATRIX.items())
def test_who_may_open_fibrecites_dashboard(client_of, cast, scene, operator, who, status):
    assert client_of(cast[who]).get(url(operator)).status_code == status


def test_the_operator_sees_the_dwellings_of_its_contract(client_of, cast, scene, operator):
    response = client_of(cast["operator_admin"]).get(url(operator))
    page = text(response)
    assert key_figure(response, "Logements du parc").startswith("6 au ")
    assert key_figure(response, "Équipés d'une box").startswith("17 % 1 logement")
    assert key_figure(response, "Abonnements actifs").startswith("33 % 2 logements")
    assert "Les Tilleuls" not in page and "Bel Air" not in page
    assert "En cours 1 6" in page  # its contract in progress, 6 dwellings


def later():
    return timezone.now() + datetime.timedelta(minutes=11)


def test_its_history_covers_the_residences_of_its_perimeter(client_of, cast, scene, operator):
    scene.lodgings["clos"][2].record_equipment(status=EquipmentStatus.BOX, effective_date=months_ago(2), by=None)
    refresh(later())  # as run_deadlines does
    page = text(client_of(cast["operator_admin"]).get(url(operator)))
    assert f"{month_label(month_start(months_ago(3)))} 6 0 0 % 1 17 %" in page
    assert f"{month_label(month_start(months_ago(2)))} 6 1 17 % 3 50 %" in page


def test_a_rivals_subscriptions_are_not_counted(client_of, cast, scene, landlord, operator, operator2):
    """Réseau Solidaire also holds a contract over Clos Gaultier, with #4 active two months ago: it counts
    on its own dashboard (today and in the history), never on FibreCité's."""
    rival = contract(tender(landlord, [scene.clos], "contracted", "AO-CLOS-2"), operator2, start=months_ago(4, day=1))
    subscribe(rival, scene.lodgings["clos"][4], ("active", months_ago(2)))
    refresh(later())
    mine = client_of(cast["operator_admin"]).get(url(operator))
    assert key_figure(mine, "Abonnements actifs").startswith("33 % 2 logements")
    assert f"{month_label(month_start(months_ago(2)))} 6 0 0 % 3 50 %" in text(mine)
    theirs = client_of(cast["operator2_admin"]).get(url(operator2))
    assert key_figure(theirs, "Abonnements actifs").startswith("17 % 1 logement")
    assert f"{month_label(month_start(months_ago(2)))} 6 0 0 % 1 17 %" in text(theirs)


def test_the_same_number_of_queries_whatever_the_size(client_of, cast, scene, operator):
    client = client_of(cast["operator_admin"])
    client.get(url(operator))
    small = queries(client, url(operator))
    home = residence(scene.clos.landlord, "Extension", qpv=scene.trois_cites)
    for lodging in dwellings(home, 30)[:10]:
        subscribe(scene.contract, lodging, ("active", months_ago(2)))
    scene.contract.residences.add(home)
    assert queries(client, url(operator)) == small


def test_the_operator_follows_a_figure_down_to_the_dwellings_of_its_contract(client_of, cast, scene, operator):
    client = client_of(cast["operator_admin"])
    html = client.get(url(operator)).content.decode()
    assert 'href="/parc/?equipment=box"' in html
    listed = client.get("/parc/", {"equipment": "box"}).content.decode()
    assert scene.lodgings["clos"][0].rpls_id in listed
    assert scene.lodgings["tilleuls"][0].rpls_id not in listed
