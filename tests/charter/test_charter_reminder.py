from django.urls import reverse

from charter.models import Charter


def url(charter):
    return reverse("charter:charter_reminder", args=[charter.pk])


def test_city_member_changes_the_reminder_delay_of_an_open_charter(client_of, cast, charter):
    response = client_of(cast["city_member"]).post(
        url(charter), {"reminder_delay_days": "30", "version": charter.version}, follow=True
    )
    assert "Le délai de relance est enregistré." in response.text
    assert Charter.objects.get(pk=charter.pk).reminder_delay_days == 30


def test_bad_or_stale_values_are_refused(client_of, cast, charter):
    client = client_of(cast["city_admin"])
    response = client.post(url(charter), {"reminder_delay_days": "-1", "version": charter.version}, follow=True)
    assert "entre 0 et 365" in response.text
    client.post(url(charter), {"reminder_delay_days": "20", "version": charter.version})
    response = client.post(url(charter), {"reminder_delay_days": "5", "version": charter.version}, follow=True)
    assert "modifié la charte entre-temps" in response.text
    assert Charter.objects.get(pk=charter.pk).reminder_delay_days == 20


def test_wrong_role_and_stranger(client_of, cast, charter, invitation):
    data = {"reminder_delay_days": "1", "version": charter.version}
    assert client_of(cast["landlord_admin"]).post(url(charter), data).status_code == 403
    assert client_of(cast["outsider"]).post(url(charter), data).status_code == 404
    assert client_of(cast["city_admin"]).get(url(charter)).status_code == 405
    assert Charter.objects.get(pk=charter.pk).reminder_delay_days == 15
