import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leases.filters import LodgingFilter
from leases.models import EquipmentStatus, Lease, Lodging
from tests.leases.factories import LodgingFactory, ResidenceFactory, bulk_lodgings

URL = reverse("leases:lodging_list")

# Which of the fixture dwellings each member of the cast sees in the list.
SEES = {
    "landlord_admin": {"lodging", "vacant", "brest"},
    "landlord_member": {"lodging", "vacant", "brest"},
    "landlord_viewer": {"lodging", "vacant", "brest"},
    "landlord2_admin": {"rival"},
    "city_admin": {"lodging", "vacant", "rival"},
    "city_member": {"lodging", "vacant", "rival"},
    "state_user": {"lodging", "vacant", "rival"},
    "operator_admin": set(),
    "operator2_admin": set(),
    "outsider": {"brest"},
}


def shown(response, stock):
    return {name for name, lodging in stock.items() if lodging.rpls_id in response.text}


@pytest.mark.parametrize(("who", "expected"), SEES.items())
def test_each_member_of_the_cast_sees_exactly_its_dwellings(client_of, cast, stock, who, expected):
    response = client_of(cast[who]).get(URL)
    assert response.status_code == 200
    assert shown(response, stock) == expected


def test_anonymous_is_sent_to_login(client, db):
    assert client.get(URL)["Location"].startswith(reverse("accounts:login"))


def test_landlord_editors_get_checkboxes_and_the_bulk_form(client_of, cast, stock):
    text = client_of(cast["landlord_member"]).get(URL).text
    assert f'name="lodgings" value="{stock["lodging"].pk}"' in text
    assert "Équiper les logements cochés" in text


@pytest.mark.parametrize("who", ["landlord_viewer", "city_admin", "state_user"])
def test_readers_get_no_checkbox_and_no_form(client_of, cast, stock, who):
    text = client_of(cast[who]).get(URL).text
    assert 'name="lodgings"' not in text
    assert "Équiper les logements cochés" not in text


def test_city_sees_the_landlord_column_and_filter_the_landlord_does_not(client_of, cast, stock):
    assert 'id="id_landlord"' in client_of(cast["city_admin"]).get(URL).text
    assert 'id="id_landlord"' not in client_of(cast["landlord_admin"]).get(URL).text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"qpv": "QN08604M"}, {"lodging", "vacant"}),
        ({"qpv": "HZ"}, {"brest"}),
        ({"commune": "29019"}, {"brest"}),
        ({"q": "8619400014"}, {"vacant"}),
        ({"q": "14 trois cités"}, {"vacant"}),
        ({"q": "siam"}, {"brest"}),
        ({"q": "Phare"}, {"brest"}),
        ({"vacancy": "vacant"}, {"vacant", "brest"}),
        ({"vacancy": "let"}, {"lodging"}),
        ({"equipment": "box"}, {"lodging"}),
        ({"equipment": "none"}, {"vacant", "brest"}),
        ({"fibre": "ready"}, {"lodging", "vacant"}),
        ({"fibre": "not_ready"}, {"brest"}),
        ({"fibre": "unknown"}, set()),
    ],
)
def test_landlord_filters_its_dwellings(client_of, cast, stock, landlord_admin, params, expected):
    stock["lodging"].record_equipment(status="box", effective_date=datetime.date(2025, 1, 2), by=landlord_admin)
    stock["brest"].residence.fibre_state = "en cours de deploiement"
    stock["brest"].residence.save()
    response = client_of(cast["landlord_admin"]).get(URL, params)
    assert response.status_code == 200
    assert shown(response, stock) == expected


def test_filter_by_residence(client_of, cast, stock):
    response = client_of(cast["landlord_admin"]).get(URL, {"residence": stock["brest"].residence_id})
    assert shown(response, stock) == {"brest"}


def test_a_residence_of_another_landlord_is_not_a_valid_choice(client_of, cast, stock):
    response = client_of(cast["landlord_admin"]).get(URL, {"residence": stock["rival"].residence_id})
    assert "Sélectionnez un choix valide" in response.text
    assert stock["rival"].rpls_id not in response.text


def test_city_filters_by_landlord(client_of, cast, stock, landlord2):
    response = client_of(cast["city_admin"]).get(URL, {"landlord": landlord2.pk})
    assert shown(response, stock) == {"rival"}


def test_dwellings_that_left_the_stock_are_shown_on_request_only(client_of, cast, stock):
    stock["vacant"].leave_stock(reason="sold", on=datetime.date(2024, 9, 1))
    client = client_of(cast["landlord_admin"])
    assert shown(client.get(URL), stock) == {"lodging", "brest"}
    left = client.get(URL, {"stock": "left"})
    assert shown(left, stock) == {"vacant"}
    assert "Vendu le 01/09/2024" in left.text
    assert shown(client.get(URL, {"stock": "all"}), stock) == {"lodging", "vacant", "brest"}


def test_sorted_by_a_column(client_of, cast, stock):
    text = client_of(cast["landlord_admin"]).get(URL, {"sort": "-rpls_id"}).text
    assert text.index(stock["vacant"].rpls_id) < text.index(stock["lodging"].rpls_id) < text.index("2901900001")
    assert 'aria-sort="descending"' in text


def test_paginated_by_fifty(client_of, cast, residence):
    bulk_lodgings(residence, 120)
    client = client_of(cast["landlord_admin"])
    first = client.get(URL)
    assert "120 résultats, page 1 sur 3." in first.text
    last = client.get(URL, {"page": 3})
    assert last.text.count('<input type="checkbox" name="lodgings"') == 20
    assert client.get(URL, {"page": "x"}).status_code == 200


def test_the_filter_is_importable_with_documented_parameters(rf, cast, stock):
    """The export of the filtered list builds the same filter from the same query string."""
    request = rf.get(URL, {"qpv": "QN08604M", "vacancy": "vacant", "stock": "in"})
    request.user = cast["landlord_admin"]
    filterset = LodgingFilter(request.GET, queryset=Lodging.objects.visible_to(request.user), request=request)
    assert list(filterset.qs) == [stock["vacant"]]
    for name in ["q", "qpv", "residence", "commune", "equipment", "fibre", "vacancy", "stock"]:
        assert f"`{name}`" in LodgingFilter.__doc__


def test_the_filter_runs_no_query_for_its_choices_when_not_displayed(rf, cast, stock, django_assert_num_queries):
    request = rf.get(URL, {"equipment": "none"})
    request.user = cast["city_admin"]
    assert request.user.memberships_cached  # read once per request anyway
    with django_assert_num_queries(1):
        list(LodgingFilter(request.GET, queryset=Lodging.objects.visible_to(request.user), request=request).qs)


def test_same_number_of_queries_at_100_and_at_10000_dwellings(client_of, cast, landlord, landlord2, residence):
    """The list answers in a constant number of SQL queries, whatever the size of the stock."""
    other = ResidenceFactory(landlord=landlord, name="Bel Air", commune="86041", commune_name="Buxerolles", qpv=None)
    rival = ResidenceFactory(landlord=landlord2, name="Rivale")
    client = client_of(cast["city_admin"])
    counts = []
    for total in (100, 10_000):
        existing = Lodging.objects.count()
        per_part = (total - existing) // 3
        for index, where in enumerate((residence, other, rival)):
            bulk_lodgings(where, per_part, start=existing + index * per_part)
        some = list(Lodging.objects.order_by("pk").values_list("pk", flat=True)[::2])
        Lease.objects.bulk_create(
            [Lease(lodging_id=pk, reference=f"R{pk}", start=datetime.date(2020, 1, 1)) for pk in some[existing // 2 :]],
            ignore_conflicts=True,
        )
        Lodging.objects.filter(pk__in=some[::3]).update(equipment_status=EquipmentStatus.BOX)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"sort": "qpv", "vacancy": "let", "qpv": "QN08604M"})
        assert response.status_code == 200
        counts.append(len(queries))
    assert Lodging.objects.count() >= 9_999
    assert counts[0] == counts[1]


def test_a_landlord_editor_list_has_a_constant_number_of_queries_too(
    client_of, cast, residence, django_assert_max_num_queries
):
    bulk_lodgings(residence, 300)
    LodgingFactory(residence=residence, rpls_id="8619499999")
    client = client_of(cast["landlord_admin"])
    # Session, user, memberships, count, the filter's choices (QPV, residences, communes), the page.
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert response.status_code == 200
