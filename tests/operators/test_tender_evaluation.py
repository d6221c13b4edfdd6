import pytest
from django.urls import reverse

from tests.operators.factories import score_all


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("landlord_admin", 200),
        ("landlord_viewer", 200),
        ("city_admin", 403),
        ("operator_admin", 403),
        ("landlord2_admin", 404),
        ("outsider", 404),
    ],
)
def test_evaluation_tab_is_the_landlords(client_of, cast, staged, who, status):
    tender = staged("evaluation")
    assert client_of(cast[who]).get(reverse("operators:tender_evaluation", args=[tender.pk])).status_code == status


def test_evaluation_shows_scores_and_a_provisional_ranking(client_of, landlord_admin, staged):
    tender = staged("evaluation")
    score_all(tender, landlord_admin)
    response = client_of(landlord_admin).get(reverse("operators:tender_evaluation", args=[tender.pk]))
    assert "Classement provisoire" in response.text and "FibreCité : 90,00 / 100" in response.text
    assert "Attribuer" in response.text


def test_evaluation_waits_for_the_opening(client_of, landlord_admin, staged):
    tender = staged("published")
    response = client_of(landlord_admin).get(reverse("operators:tender_evaluation", args=[tender.pk]))
    assert response.status_code == 302
