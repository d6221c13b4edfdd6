from django.urls import reverse

from tests.operators.factories import submitted_bid


def test_operator_lists_its_bids_with_receipts_in_constant_queries(
    client_of, operator_admin, operator, tender, bid, django_assert_max_num_queries
):
    client = client_of(operator_admin)
    with django_assert_max_num_queries(10) as small:
        response = client.get(reverse("operators:bid_list"))
    assert reverse("operators:bid_receipt", args=[bid.pk]) in response.text
    for _ in range(3):
        from operators.models import Tender
        from tests.operators.factories import make_tender, publish

        other = publish(make_tender(tender.landlord), tender.landlord.members.first())
        submitted_bid(other, operator, operator_admin)
    assert Tender.objects.count() == 4
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("operators:bid_list"))


def test_rival_lists_none_of_them(client_of, operator2_admin, bid):
    response = client_of(operator2_admin).get(reverse("operators:bid_list"))
    assert "Aucune offre" in response.text


def test_receipt_is_the_bidders_only(client_of, landlord_admin, bid):
    assert client_of(landlord_admin).get(reverse("operators:bid_receipt", args=[bid.pk])).status_code == 404
