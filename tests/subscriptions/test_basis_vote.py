"""Recording the count of a tenant consultation: the rule decides (art. 42 of loi 86-1290, as data)."""

import datetime
import html
from decimal import Decimal

import pytest
from django.urls import reverse

from subscriptions.models import LegalBasis, TenantVote

from .cast import BASIS_LANDLORD_ACTS

TODAY = datetime.date.today().isoformat()


@pytest.fixture
def consultation(tilleuls, landlord_admin):
    return LegalBasis.start_consultation(
        residence=tilleuls, proposed_charge=Decimal("2.67"), answer_by=datetime.date.today(), by=landlord_admin
    )


def url(basis):
    return reverse("subscriptions:basis_vote", args=[basis.pk])


def vote(client, basis, consulted, votes_for, against, **extra):
    data = {"held_on": TODAY, "consulted": consulted, "votes_for": votes_for, "votes_against": against, **extra}
    response = client.post(url(basis), data, follow=True)
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(("who", "status"), BASIS_LANDLORD_ACTS.items())
def test_who_may_record_the_vote(client_of, cast, consultation, who, status):
    data = {"held_on": TODAY, "consulted": 100, "votes_for": 40, "votes_against": 10}
    assert client_of(cast[who]).post(url(consultation), data).status_code == status
    assert TenantVote.objects.exists() == (status == 302)


def test_a_vote_that_carries_puts_the_agreement_in_force(client_of, cast, consultation):
    page = vote(client_of(cast["landlord_member"]), consultation, 120, 50, 20)
    consultation.refresh_from_db()
    assert consultation.state == LegalBasis.State.IN_FORCE
    assert consultation.effective_from == datetime.date.today()
    assert "Approuvé : 50 voix pour et 20 contre, soit 71,4 % des réponses ; participation de 58,3 %" in page


def test_quorum_missed_calls_for_a_second_consultation(client_of, cast, consultation):
    page = vote(client_of(cast["landlord_member"]), consultation, 200, 40, 9)  # 24,5 % took part
    consultation.refresh_from_db()
    assert consultation.state == LegalBasis.State.SECOND_ROUND
    assert (
        "Quorum non atteint : participation de 24,5 % (49 réponses sur 200 foyers consultés), sous le seuil de 25 %"
        in page
    )
    assert "Une seconde consultation décidera à la majorité des locataires qui répondront." in page


def test_the_second_consultation_decides_by_the_majority_of_answers(client_of, cast, consultation):
    client = client_of(cast["landlord_member"])
    vote(client, consultation, 200, 40, 9)
    page = vote(client, consultation, 200, 12, 8)  # 10 % took part: no quorum now
    consultation.refresh_from_db()
    assert consultation.state == LegalBasis.State.IN_FORCE
    assert list(consultation.votes.values_list("round", "outcome")) == [(1, "quorum_missed"), (2, "carried")]
    assert "Approuvé : 12 voix pour et 8 contre" in page


def test_a_majority_against_is_refused_with_the_reason(client_of, cast, consultation):
    page = vote(client_of(cast["landlord_member"]), consultation, 100, 30, 30)
    consultation.refresh_from_db()
    assert consultation.state == LegalBasis.State.REJECTED
    assert "Rejeté : 30 voix pour et 30 contre, soit 50,0 % des réponses, sans la majorité requise" in page
    assert not LegalBasis.objects.in_force_on(datetime.date.today()).exists()


def test_more_answers_than_households_is_refused(client_of, cast, consultation):
    page = vote(client_of(cast["landlord_member"]), consultation, 10, 8, 5)
    assert "13 réponses pour 10 foyers consultés" in page
    consultation.refresh_from_db()
    assert consultation.state == LegalBasis.State.CONSULTING
    assert not TenantVote.objects.exists()


def test_no_vote_once_in_force(client_of, cast, consultation):
    client = client_of(cast["landlord_member"])
    vote(client, consultation, 100, 60, 10)
    assert client.get(url(consultation)).status_code == 200
    page = vote(client, consultation, 100, 60, 10)
    assert "Action déjà effectuée" in page
    assert TenantVote.objects.count() == 1
