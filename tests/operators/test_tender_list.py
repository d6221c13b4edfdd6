import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from operators.models import Bid, Tender
from tests.operators.factories import residence_with_dwellings


def many_tenders(landlord, operator, operator_admin, count):
    """`count` published tenders with one sealed bid each, built with bulk_create."""
    residence = residence_with_dwellings(landlord, 2)
    now = timezone.now()
    start = Tender.objects.count()
    tenders = Tender.objects.bulk_create(
        [
            Tender(
                landlord=landlord,
                reference=f"LIST-{start + i:04d}",
                title=f"Appel {i}",
                estimated_value_ht=Decimal("1000"),
                state="published",
                published_at=now,
                questions_deadline=now + datetime.timedelta(days=5),
                deadline=now + datetime.timedelta(days=10 + i),
                procedure="adapted",
            )
            for i in range(count)
        ]
    )
    for tender in tenders:
        tender.residences.add(residence)
    Bid.objects.bulk_create(
        [
            Bid(tender=t, operator=operator, state="submitted", unit_price_ht=5, download_mbps=1, upload_mbps=1)
            for t in tenders
        ]
    )


@pytest.mark.parametrize("who", ["landlord_admin", "operator2_admin", "city_admin"])
def test_list_queries_do_not_grow_with_the_rows(
    client_of, cast, landlord, operator, django_assert_max_num_queries, who
):
    client = client_of(cast[who])
    many_tenders(landlord, operator, cast["operator_admin"], 3)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("operators:tender_list"))
    many_tenders(landlord, operator, cast["operator_admin"], 30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("operators:tender_list"))
    assert "LIST-0032" in response.text


def test_landlord_and_city_see_the_bid_count_operators_do_not(client_of, cast, landlord, operator):
    many_tenders(landlord, operator, cast["operator_admin"], 1)
    assert "Offres reçues" in client_of(cast["landlord_admin"]).get(reverse("operators:tender_list")).text
    assert "Offres reçues" in client_of(cast["city_admin"]).get(reverse("operators:tender_list")).text
    assert "Offres reçues" not in client_of(cast["operator2_admin"]).get(reverse("operators:tender_list")).text


def test_operator_filters_open_tenders_of_every_territory(client_of, cast, landlord, operator, staged):
    staged("awarded")
    many_tenders(landlord, operator, cast["operator_admin"], 1)
    response = client_of(cast["operator2_admin"]).get(reverse("operators:tender_list") + "?open_only=on")
    assert "LIST-" in response.text and "AO-2026" not in response.text


def test_countdown_is_rendered_by_the_server(client_of, landlord_admin, tender):
    text = client_of(landlord_admin).get(reverse("operators:tender_list")).text.replace("\xa0", " ")
    assert "<small>dans 1 mois, 1 semaine</small>" in text


def test_outsider_sees_no_tender(client_of, outsider, tender):
    assert tender.reference not in client_of(outsider).get(reverse("operators:tender_list")).text
