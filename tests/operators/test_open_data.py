"""The public open-data page: the published tenders and the download, for anyone."""

from django.urls import reverse

from operators.releases import record_release
from tests.operators.factories import make_tender, publish

URL = reverse("operators:open_data")


def test_anyone_sees_the_published_tenders_and_the_download(client, landlord, landlord_admin, draft_tender):
    tender = publish(make_tender(landlord, title="Box internet aux Couronneries"), landlord_admin)
    record_release(tender=tender, tag="tender")
    response = client.get(URL)
    assert response.status_code == 200
    text = response.text.replace("&#x27;", "'")
    assert tender.reference in text and "Box internet aux Couronneries" in text and landlord.name in text
    assert draft_tender.reference not in text
    assert reverse("operators:ocds_package") in text and "Licence Ouverte" in text
    assert "<caption>Appels d'offres publiés" in text


def test_the_footer_of_every_page_links_to_the_open_data(client):
    assert URL in client.get(reverse("accounts:login")).text


def test_the_page_reads_the_same_number_of_queries_whatever_the_number_of_tenders(
    client, landlord, landlord_admin, django_assert_num_queries
):
    def add(count):
        for _ in range(count):
            record_release(tender=publish(make_tender(landlord, dwellings=1), landlord_admin), tag="tender")

    add(1)
    with django_assert_num_queries(2):  # count and page
        assert client.get(URL).status_code == 200
    add(5)
    with django_assert_num_queries(2):
        assert client.get(URL).text.count("<tr>") == 7
