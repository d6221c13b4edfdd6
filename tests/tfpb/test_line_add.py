import pytest
from django.urls import reverse

from tests.tfpb.pages import text
from tfpb.models import ActionLine, Axis, Convention, ConventionState


def url(convention):
    return reverse("tfpb:line_add", args=[convention.pk])


@pytest.mark.parametrize("who", ["landlord_member", "city_admin", "state_user"])
def test_a_party_adds_a_local_line(client_of, cast, convention, who):
    axis = Axis.objects.get(number=6)
    response = client_of(cast[who]).post(url(convention), {"axis": axis.pk, "label": "Ateliers numériques"})
    assert response.status_code == 302
    line = ActionLine.objects.get(convention=convention)
    assert (line.axis, line.label) == (axis, "Ateliers numériques")


def test_the_same_line_twice_is_refused(client_of, cast, convention):
    axis = Axis.objects.get(number=7)
    response = client_of(cast["landlord_admin"]).post(
        url(convention), {"axis": axis.pk, "label": "accès à la connexion internet des locataires"}
    )
    assert "Cette ligne d'action existe déjà sous cet axe." in text(response)
    assert not ActionLine.objects.filter(convention=convention).exists()


@pytest.mark.parametrize(("who", "status"), [("landlord_viewer", 403), ("landlord2_admin", 404), ("outsider", 404)])
def test_others_cannot_add(client_of, cast, convention, who, status):
    assert client_of(cast[who]).get(url(convention)).status_code == status


def test_no_line_added_to_an_ended_convention(client_of, cast, convention):
    Convention.objects.filter(pk=convention.pk).update(state=ConventionState.ENDED)
    assert client_of(cast["landlord_admin"]).get(url(convention)).status_code == 403
