import datetime
import html

import pytest
from django.urls import reverse

from subscriptions.models import AgreementRoute, LegalBasis
from tests.subscriptions import factories

from .cast import LANDLORD_ACTS

NEXT_MONTH = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()


def url(residence):
    return reverse("subscriptions:basis_consultation", args=[residence.pk])


@pytest.mark.parametrize(("who", "status"), LANDLORD_ACTS.items())
def test_who_may_consult_the_tenants(client_of, cast, contract, tilleuls, who, status):
    response = client_of(cast[who]).post(url(tilleuls), {"proposed_charge": "2,67", "answer_by": NEXT_MONTH})
    assert response.status_code == status
    assert LegalBasis.objects.exists() == (status == 302)


def test_the_form_proposes_the_current_charge(client_of, cast, contract, tilleuls):
    factories.share(tilleuls, 75)
    page = html.unescape(client_of(cast["landlord_member"]).get(url(tilleuls)).content.decode())
    assert 'value="2.67"' in page or 'value="2,67"' in page


def test_a_consultation_waits_for_the_vote(client_of, cast, contract, tilleuls):
    client_of(cast["landlord_member"]).post(url(tilleuls), {"proposed_charge": "2,67", "answer_by": NEXT_MONTH})
    basis = LegalBasis.objects.get()
    assert (basis.state, basis.route, basis.effective_from) == ("consulting", AgreementRoute.TENANT_VOTE, None)
    assert basis.rule.quorum_percent == 25


def test_one_open_basis_per_residence(client_of, cast, contract, tilleuls):
    factories.collective(tilleuls)
    response = client_of(cast["landlord_member"]).post(
        url(tilleuls), {"proposed_charge": "2,67", "answer_by": NEXT_MONTH}
    )
    assert "La résidence a déjà une base juridique" in html.unescape(response.content.decode())
    assert LegalBasis.objects.count() == 1


def test_a_past_deadline_is_refused(client_of, cast, contract, tilleuls):
    response = client_of(cast["landlord_member"]).post(
        url(tilleuls), {"proposed_charge": "2", "answer_by": "2020-01-01"}
    )
    assert "La date limite des réponses ne peut pas être passée." in response.content.decode()
    assert not LegalBasis.objects.exists()
