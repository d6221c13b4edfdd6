import datetime

import pytest
from django.urls import reverse

from leases.models import Lease
from subscriptions.models import LeaseOptIn
from tests.subscriptions import factories

from .cast import LEASE_ACTS


@pytest.fixture
def lease(tilleuls, tilleuls_dwellings):
    factories.opt_in_basis(tilleuls)
    return Lease.objects.filter(lodging=tilleuls_dwellings[0]).get()


def url(lease):
    return reverse("subscriptions:lease_opt_in", args=[lease.pk])


@pytest.mark.parametrize(("who", "status"), LEASE_ACTS.items())
def test_who_may_record_an_opt_in(client_of, cast, lease, who, status):
    assert client_of(cast[who]).post(url(lease), {"opted_in_on": "2025-03-04"}).status_code == status
    assert LeaseOptIn.objects.exists() == (status == 302)


def test_the_opt_in_is_dated_and_current(client_of, cast, lease):
    client_of(cast["landlord_member"]).post(url(lease), {"opted_in_on": "2025-03-04"})
    opt_in = LeaseOptIn.objects.get()
    assert (opt_in.opted_in_on, opt_in.opted_out_on, opt_in.recorded_by) == (
        datetime.date(2025, 3, 4),
        None,
        cast["landlord_member"],
    )


def test_one_current_opt_in_per_lease(client_of, cast, lease):
    client = client_of(cast["landlord_member"])
    client.post(url(lease), {"opted_in_on": "2025-03-04"})
    response = client.post(url(lease), {"opted_in_on": "2025-03-05"}, follow=True)
    assert "a déjà une adhésion en cours" in response.content.decode()
    assert LeaseOptIn.objects.count() == 1


def test_not_before_the_lease(client_of, cast, lease):
    response = client_of(cast["landlord_member"]).post(url(lease), {"opted_in_on": "2019-01-01"}, follow=True)
    assert "L&#x27;adhésion ne peut pas précéder le début du bail" in response.content.decode()


def test_opting_out_ends_it(client_of, cast, lease):
    opt_in = factories.opt_in(lease, datetime.date(2025, 3, 4))
    out = reverse("subscriptions:lease_opt_out", args=[opt_in.pk])
    assert client_of(cast["landlord_viewer"]).post(out, {"opted_out_on": "2025-05-01"}).status_code == 403
    assert client_of(cast["city_admin"]).post(out, {"opted_out_on": "2025-05-01"}).status_code == 404
    client_of(cast["landlord_admin"]).post(out, {"opted_out_on": "2025-05-01"})
    opt_in.refresh_from_db()
    assert opt_in.opted_out_on == datetime.date(2025, 5, 1)
