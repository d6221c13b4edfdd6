"""The main menu marks one entry as the current page: the longest URL the page's path starts with."""

import html
import re

import pytest
from django.urls import reverse


def current_entries(text):
    found = re.findall(r'<a href="([^"]+)" aria-current="page">([^<]+)</a>', text)
    return [(url, html.unescape(label)) for url, label in found]


@pytest.mark.parametrize(
    ("who", "url_name", "label"),
    [
        ("operator_admin", "operators:bid_list", "Mes offres"),
        ("operator_admin", "operators:tender_list", "Appels d'offres"),
        ("landlord_admin", "operators:contract_list", "Marchés"),
        ("landlord_admin", "home", "Accueil"),
        ("city_admin", "accounts:organization_list", "Organisations"),
    ],
)
def test_only_the_longest_matching_entry_is_current(client_of, cast, who, url_name, label):
    url = reverse(url_name)
    response = client_of(cast[who]).get(url)
    assert response.status_code == 200
    assert current_entries(response.text) == [(url, label)]


def test_a_page_below_an_entry_marks_that_entry(client_of, cast):
    url = reverse("accounts:organization_detail", args=[cast["landlord_admin"].memberships.get().organization_id])
    assert current_entries(client_of(cast["landlord_admin"]).get(url).text) == [
        (reverse("accounts:organization_list"), "Organisations")
    ]


def test_a_page_outside_the_menu_marks_nothing(client_of, cast):
    response = client_of(cast["landlord_admin"]).get(reverse("accessibility"))
    assert current_entries(response.text) == []
