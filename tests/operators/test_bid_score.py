import pytest
from django.urls import reverse

from operators.models import Score
from tests.operators.conftest import bid_of


def data(tender, value):
    out = {}
    for criterion in tender.criteria.all():
        out[f"score_{criterion.pk}"] = str(value)
        out[f"comment_{criterion.pk}"] = "Conforme."
    return out


def test_evaluator_scores_each_criterion(client_of, landlord_member, staged, operator):
    tender = staged("evaluation")
    bid = bid_of(tender, operator)
    url = reverse("operators:bid_score", args=[bid.pk])
    page = client_of(landlord_member).get(url)
    assert "Note proposée : meilleur prix / prix × 100." in page.text
    client_of(landlord_member).post(url, data(tender, 80))
    assert Score.objects.filter(bid=bid).count() == 2
    assert bid.computed_total() == 80


def test_score_above_100_is_refused(client_of, landlord_admin, staged, operator):
    tender = staged("evaluation")
    bid = bid_of(tender, operator)
    response = client_of(landlord_admin).post(reverse("operators:bid_score", args=[bid.pk]), data(tender, 120))
    assert "inférieure ou égale à 100" in response.text
    assert not Score.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("landlord_viewer", 403), ("operator_admin", 404), ("city_admin", 404)])
def test_others_cannot_score(client_of, cast, staged, operator2, who, status):
    tender = staged("evaluation")
    bid = bid_of(tender, operator2)
    assert (
        client_of(cast[who]).post(reverse("operators:bid_score", args=[bid.pk]), data(tender, 50)).status_code == status
    )


def test_scoring_before_evaluation_is_refused(client_of, landlord_admin, staged, operator):
    tender = staged("opened")
    bid = bid_of(tender, operator)
    client_of(landlord_admin).post(reverse("operators:bid_score", args=[bid.pk]), data(tender, 50))
    assert not Score.objects.exists()
