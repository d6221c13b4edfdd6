"""The home page's "next steps" say which are done (registered by each app: accounts.registry.register_home_step)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership, Role
from operators.models import ensure_rules_seeded
from subscriptions.rollout import start_rollout
from tests.charter.factories import invite, make_charter, make_qpv, sign
from tests.factories import enrol
from tests.leases.factories import LodgingFactory
from tests.operators.factories import make_tender, publish
from tests.subscriptions import factories as subscriptions
from tests.tfpb import factories as tfpb

DONE = '<span class="badge badge-ok"><span aria-hidden="true">✓</span> fait</span>'


def steps(client, organization):
    """The text of each step of `organization`'s card, and whether it is marked done."""
    text = client.get(reverse("home")).text
    card = re.search(rf'<section class="card" aria-labelledby="home-\w+-{organization.pk}">(.*?)</section>', text, re.S)
    items = re.findall(r"<li>(.*?)</li>", card.group(1), re.S)
    return [item.startswith(DONE) for item in items]


def test_a_new_landlord_has_done_nothing_yet(client_of, landlord, landlord_admin):
    assert steps(client_of(landlord_admin), landlord) == [False] * 5


def test_the_landlord_steps_are_marked_as_they_happen(
    client_of, landlord, landlord_admin, city, city_admin, state, operator
):
    client = client_of(landlord_admin)
    LodgingFactory(residence__landlord=landlord)
    assert steps(client, landlord) == [True, False, False, False, False]

    trois_cites = make_qpv("QN08604M", "Trois Cités", ["86194"])
    charter = make_charter(city, by=city_admin, qpvs=[trois_cites], publish=True)
    signature = invite(charter, landlord, by=city_admin)
    assert steps(client, landlord)[1] is False  # invited is not signed
    sign(signature, landlord_admin)
    assert steps(client, landlord) == [True, True, False, False, False]

    ensure_rules_seeded()
    tender = make_tender(landlord)
    assert steps(client, landlord)[2] is False  # a draft is not launched
    publish(tender, landlord_admin)
    assert steps(client, landlord) == [True, True, True, False, False]

    contract = subscriptions.contract(landlord, operator, list(tender.residences.all()))
    assert steps(client, landlord)[3] is False
    start_rollout(contract=contract, by=landlord_admin)
    assert steps(client, landlord) == [True, True, True, True, False]

    convention = tfpb.convention(landlord, cities=[city], state=state, qpvs=[trois_cites])
    report = tfpb.report(convention, year=2025)
    assert steps(client, landlord)[4] is False  # a draft report is not sent
    report.submit(by=landlord_admin)
    report.save()
    assert steps(client, landlord) == [True] * 5


def test_another_landlords_work_does_not_count(client_of, landlord, landlord_admin, landlord2):
    LodgingFactory(residence__landlord=landlord2)
    assert steps(client_of(landlord_admin), landlord) == [False] * 5


def test_the_city_steps_are_marked_as_they_happen(client_of, elsewhere_city, outsider, landlord):
    client = client_of(outsider)
    assert steps(client, elsewhere_city) == [False, False, False]
    enrol(landlord, elsewhere_city)
    assert steps(client, elsewhere_city) == [True, False, False]
    charter = make_charter(elsewhere_city, by=outsider, qpvs=[make_qpv("QN02901M", "Bellevue", ["29019"])])
    assert steps(client, elsewhere_city) == [True, False, False]  # a draft is not published
    charter.publish(by=outsider)
    charter.save()
    assert steps(client, elsewhere_city) == [True, True, False]


def test_each_organisation_of_a_user_has_its_own_steps(client_of, landlord, landlord2, landlord_admin):
    Membership.objects.create(user=landlord_admin, organization=landlord2, role=Role.VIEWER)
    LodgingFactory(residence__landlord=landlord2)
    client = client_of(landlord_admin)
    assert steps(client, landlord)[0] is False
    assert steps(client, landlord2)[0] is True


@pytest.mark.parametrize("kind", ["landlord", "city"])
def test_the_steps_cost_the_same_queries_whatever_the_organisations(client_of, cast, landlord2, elsewhere_city, kind):
    user, other = (cast["landlord_admin"], landlord2) if kind == "landlord" else (cast["city_admin"], elsewhere_city)
    client = client_of(user)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("home")).status_code == 200
        return len(captured)

    one = queries()
    Membership.objects.create(user=user, organization=other, role=Role.VIEWER)
    assert queries() == one
