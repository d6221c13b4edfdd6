import datetime

import pytest
from django.urls import reverse

from subscriptions.models import Regularisation

from .cast import LEASE_ACTS


def url(regularisation):
    return reverse("subscriptions:regularisation_send", args=[regularisation.pk])


@pytest.mark.parametrize(("who", "status"), LEASE_ACTS.items())
def test_who_may_mark_it_sent(client_of, cast, regularisation, who, status):
    assert client_of(cast[who]).post(url(regularisation)).status_code == status
    regularisation.refresh_from_db()
    assert regularisation.is_frozen == (status == 302)


def test_sent_it_is_frozen_and_documents_stay_six_months(client_of, cast, regularisation):
    client_of(cast["landlord_member"]).post(url(regularisation))
    regularisation = Regularisation.objects.get(pk=regularisation.pk)
    today = datetime.date.today()
    assert (regularisation.state, regularisation.sent_on, regularisation.sent_by) == (
        "sent",
        today,
        cast["landlord_member"],
    )
    assert (regularisation.documents_available_until - today).days in range(181, 185)


def test_sent_once(client_of, cast, regularisation):
    client = client_of(cast["landlord_member"])
    client.post(url(regularisation))
    response = client.post(url(regularisation), follow=True)
    assert "Action déjà effectuée" in response.content.decode()
