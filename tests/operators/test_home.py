from django.urls import reverse


def test_operator_home_counts_open_tenders(client_of, operator2_admin, tender):
    response = client_of(operator2_admin).get(reverse("home"))
    assert "1 appel d'offres ouvert aux offres, sur tous les territoires" in response.text.replace("&#x27;", "'")
    assert reverse("operators:bid_list") in response.text


def test_landlord_home_tells_tenders_waiting_to_be_opened(client_of, landlord_admin, staged):
    import datetime

    import time_machine

    tender = staged("published")
    with time_machine.travel(tender.deadline + datetime.timedelta(minutes=1), tick=False):
        response = client_of(landlord_admin).get(reverse("home"))
    assert "attend l'ouverture des offres" in response.text.replace("&#x27;", "'")


def test_nav_offers_tenders_to_city_staff(client_of, city_admin):
    assert reverse("operators:tender_list") in client_of(city_admin).get(reverse("home")).text
