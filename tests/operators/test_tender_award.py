import pytest
from django.db import transaction
from django.urls import reverse
from django_fsm import ConcurrentTransition

from operators.models import Contract, Tender
from tests.operators.conftest import bid_of
from tests.operators.factories import score_all


@pytest.fixture
def scored(staged, landlord_admin):
    tender = staged("evaluation")
    score_all(tender, landlord_admin)
    return tender


def url(tender):
    return reverse("operators:tender_award", args=[tender.pk])


def test_evaluator_awards_and_the_loser_gets_its_letter(
    client_of,
    landlord_member,
    scored,
    operator,
    operator2,
    operator2_admin,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(landlord_member).post(url(scored), {"reasons": "Meilleur prix, accompagnement solide."})
    assert response.status_code == 302
    tender = Tender.objects.get(pk=scored.pk)
    assert tender.state == "awarded" and tender.awarded_bid == bid_of(tender, operator)
    winner, loser = bid_of(tender, operator), bid_of(tender, operator2)
    assert (winner.state, winner.rank, loser.state, loser.rank) == ("awarded", 1, "rejected", 2)
    contract = Contract.objects.get()
    assert (contract.state, contract.operator, contract.unit_price_ht) == ("pending", operator, winner.unit_price_ht)
    letter = next(m for m in mailoutbox if m.to == [operator2_admin.email])
    assert "n'est pas retenue" in letter.subject and "FibreCité" in letter.body and "Meilleur prix" in letter.body
    pdf = client_of(operator2_admin).get(reverse("operators:bid_letter", args=[loser.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_two_evaluators_awarding_at_once_give_one_award(landlord_admin, landlord_member, scored):
    first = Tender.objects.get(pk=scored.pk)
    second = Tender.objects.get(pk=scored.pk)
    second.award(by=landlord_member, reasons="Second")  # both pass the checks before either saves
    first.award(by=landlord_admin, reasons="Premier")
    first.save()
    first.apply_award(by=landlord_admin)
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.save()
    assert Contract.objects.count() == 1
    assert Tender.objects.get(pk=scored.pk).award_reasons == "Premier"


def test_the_second_evaluator_is_told_clearly(client_of, landlord_admin, landlord_member, scored, client):
    client_of(landlord_admin).post(url(scored), {"reasons": "Premier"})
    response = client_of(landlord_member).post(url(scored), {"reasons": "Second"}, follow=True)
    assert "L'attribution se fait à l'issue de l'évaluation" in response.text.replace("&#x27;", "'")
    assert Contract.objects.count() == 1


def test_formal_award_needs_the_tender_board_date(client_of, landlord_admin, scored):
    Tender.objects.filter(pk=scored.pk).update(procedure="formal")
    response = client_of(landlord_admin).post(url(scored), {"reasons": "Motifs"})
    assert "Ce champ est obligatoire" in response.text
    assert Tender.objects.get(pk=scored.pk).state == "evaluation"


def test_award_refused_while_a_bid_is_not_fully_scored(client_of, landlord_admin, staged):
    tender = staged("evaluation")
    response = client_of(landlord_admin).post(url(tender), {"reasons": "Motifs"}, follow=True)
    assert "pas notée sur tous les critères" in response.text
    assert Tender.objects.get(pk=tender.pk).state == "evaluation"


@pytest.mark.parametrize(
    ("who", "status"), [("landlord_viewer", 403), ("operator_admin", 403), ("landlord2_admin", 404)]
)
def test_others_cannot_award(client_of, cast, scored, who, status):
    assert client_of(cast[who]).post(url(scored), {"reasons": "x"}).status_code == status


def test_rival_cannot_read_the_winners_letter_or_bid(client_of, staged, operator, operator2_admin):
    tender = staged("awarded")
    winner = bid_of(tender, operator)
    assert client_of(operator2_admin).get(reverse("operators:bid_letter", args=[winner.pk])).status_code == 404
