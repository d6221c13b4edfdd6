import pytest
from django.urls import reverse
from django_fsm_log.models import StateLog

from charter.models import Charter


def url(charter):
    return reverse("charter:charter_publish", args=[charter.pk])


def test_city_admin_publishes(client_of, cast, draft):
    response = client_of(cast["city_admin"]).post(url(draft), follow=True)
    assert "La charte est publiée" in response.text
    draft.refresh_from_db()
    assert draft.state == Charter.State.OPEN
    assert draft.fingerprint == draft.compute_fingerprint()
    log = StateLog.objects.for_(draft).get(transition="publish")
    assert (log.by, log.state) == (cast["city_admin"], "open")


def test_incomplete_draft_is_explained(client_of, cast, draft):
    Charter.objects.filter(pk=draft.pk).update(articles=[])
    response = client_of(cast["city_admin"]).post(url(draft), follow=True)
    assert "Rédigez au moins un article." in response.text
    assert Charter.objects.get(pk=draft.pk).state == "draft"


def test_city_member_cannot_publish(client_of, cast, draft):
    assert client_of(cast["city_member"]).post(url(draft)).status_code == 403
    assert Charter.objects.get(pk=draft.pk).state == "draft"


@pytest.mark.parametrize("who", ["landlord_admin", "outsider", "state_user"])
def test_strangers_get_404(client_of, cast, draft, who):
    assert client_of(cast[who]).post(url(draft)).status_code == 404


def test_publishing_twice_is_a_stale_action(client_of, cast, charter):
    response = client_of(cast["city_admin"]).post(url(charter), follow=True)
    assert "Action déjà effectuée" in response.text


def test_get_is_not_allowed(client_of, cast, draft):
    assert client_of(cast["city_admin"]).get(url(draft)).status_code == 405
