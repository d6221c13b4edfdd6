import datetime

import pytest
from django.urls import reverse

from charter.models import Charter

URL = reverse("charter:charter_add")


def post_data(qpvs, **extra):
    data = {
        "city": "",
        "title": "La connexion internet, un droit pour tous",
        "qpvs": [q.pk for q in qpvs],
        "preamble": "Un droit, comme l'eau.",
        "effective_date": "2027-01-01",
        "reminder_delay_days": "10",
        "articles-TOTAL_FORMS": "3",
        "articles-INITIAL_FORMS": "0",
        "articles-0-heading": "Objet",
        "articles-0-body": "Une box <b>partout</b>.",
        "articles-1-heading": "",
        "articles-1-body": "",
        "articles-2-heading": "",
        "articles-2-body": "Deuxième article.",
    }
    data.update(extra)
    return data


def test_city_member_writes_a_draft(client_of, cast, city, kinds, trois_cites, bel_air, brest_qpv):
    client = client_of(cast["city_member"])
    page = client.get(URL)
    assert page.status_code == 200
    assert "Trois Cités" in page.text and "Bel Air" in page.text
    assert "Bellevue" not in page.text  # a QPV of another territory
    response = client.post(URL, post_data([trois_cites], city=city.pk))
    charter = Charter.objects.get()
    assert response.status_code == 302 and response["Location"] == charter.get_absolute_url()
    assert (charter.city, charter.state, charter.number) == (city, "draft", 1)
    assert charter.articles == [
        {"heading": "Objet", "body": "Une box <b>partout</b>."},
        {"heading": "", "body": "Deuxième article."},
    ]
    assert charter.effective_date == datetime.date(2027, 1, 1)
    assert list(charter.qpvs.all()) == [trois_cites]


def test_qpv_outside_the_territory_is_refused(client_of, cast, city, kinds, brest_qpv):
    response = client_of(cast["city_admin"]).post(URL, post_data([brest_qpv], city=city.pk))
    assert response.status_code == 200
    assert not Charter.objects.exists()


def test_article_title_without_text_is_explained(client_of, cast, city, kinds, trois_cites):
    response = client_of(cast["city_admin"]).post(
        URL, post_data([trois_cites], city=city.pk, **{"articles-1-heading": "Orphelin"})
    )
    assert "Rédigez le texte de cet article" in response.text
    assert not Charter.objects.exists()


@pytest.mark.parametrize("who", ["landlord_admin", "operator_admin", "state_user", "city_viewer"])
def test_others_cannot_write_a_charter(client_of, cast, city, who):
    if who == "city_viewer":
        from accounts.models import Role
        from tests.factories import member

        user = member(city, Role.VIEWER, email="vera@grandpoitiers.fr")
    else:
        user = cast[who]
    assert client_of(user).get(URL).status_code == 403
