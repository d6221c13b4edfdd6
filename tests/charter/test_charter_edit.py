from django.urls import reverse

from charter.models import Charter


def url(charter):
    return reverse("charter:charter_edit", args=[charter.pk])


def data(charter, **extra):
    values = {
        "version": charter.version,
        "title": "Titre revu",
        "qpvs": [q.pk for q in charter.qpvs.all()],
        "preamble": "Préambule revu.",
        "effective_date": "2027-02-01",
        "reminder_delay_days": "20",
        "articles-TOTAL_FORMS": "1",
        "articles-INITIAL_FORMS": "1",
        "articles-0-heading": "Seul article",
        "articles-0-body": "Texte.",
    }
    values.update(extra)
    return values


def test_city_member_edits_a_draft(client_of, cast, draft):
    client = client_of(cast["city_member"])
    assert "Objet" in client.get(url(draft)).text
    response = client.post(url(draft), data(draft))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.reminder_delay_days) == ("Titre revu", 20)
    assert draft.articles == [{"heading": "Seul article", "body": "Texte."}]


def test_stale_edit_is_refused(client_of, cast, draft):
    client = client_of(cast["city_admin"])
    stale = data(draft)
    client.post(url(draft), data(draft, title="Premier"))
    response = client.post(url(draft), stale, follow=True)
    assert "a modifié ce brouillon pendant que vous" in response.text
    assert Charter.objects.get(pk=draft.pk).title == "Premier"


def test_published_charter_cannot_be_edited(client_of, cast, charter):
    client = client_of(cast["city_admin"])
    response = client.post(url(charter), data(charter), follow=True)
    assert "ne change plus" in response.text
    assert Charter.objects.get(pk=charter.pk).title == charter.title


def test_edit_that_crosses_a_publication_is_refused(client_of, cast, draft, city_admin):
    form = data(draft)
    draft.publish(by=city_admin)
    draft.save()
    response = client_of(cast["city_member"]).post(url(draft), form, follow=True)
    assert "ne change plus" in response.text
    assert Charter.objects.get(pk=draft.pk).title != "Titre revu"


def test_wrong_role_and_stranger(client_of, cast, draft, invitation):
    assert client_of(cast["landlord_admin"]).get(url(draft)).status_code == 403  # invited to it: sees it
    assert client_of(cast["landlord2_admin"]).get(url(draft)).status_code == 404
    assert client_of(cast["outsider"]).post(url(draft), data(draft)).status_code == 404
