from django.urls import reverse

from charter.models import Charter


def url(charter):
    return reverse("charter:charter_close", args=[charter.pk])


def test_city_admin_closes_signatures(client_of, cast, charter, invitation):
    response = client_of(cast["city_admin"]).post(url(charter), follow=True)
    assert "Les signatures sont closes" in response.text
    charter.refresh_from_db()
    assert charter.state == Charter.State.CLOSED and charter.closed_at
    # An invitation can no longer be answered.
    assert (
        client_of(cast["landlord_admin"]).get(reverse("charter:signature_sign", args=[invitation.pk])).status_code
        == 302
    )


def test_wrong_role_gets_403(client_of, cast, charter, invitation):
    assert client_of(cast["city_member"]).post(url(charter)).status_code == 403
    assert client_of(cast["landlord_admin"]).post(url(charter)).status_code == 403
    assert Charter.objects.get(pk=charter.pk).state == "open"


def test_stranger_gets_404(client_of, cast, charter):
    assert client_of(cast["outsider"]).post(url(charter)).status_code == 404


def test_draft_cannot_be_closed(client_of, cast, draft):
    response = client_of(cast["city_admin"]).post(url(draft), follow=True)
    assert "Action déjà effectuée ou devenue impossible" in response.text
    assert Charter.objects.get(pk=draft.pk).state == "draft"
