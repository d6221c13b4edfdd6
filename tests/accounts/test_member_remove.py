import pytest
from django.urls import reverse

from accounts.models import Membership


def url(membership):
    return reverse("accounts:member_remove", args=[membership.pk])


def test_admin_removes_a_member(client_of, cast, landlord):
    membership = Membership.objects.get(user=cast["landlord_member"])
    response = client_of(cast["landlord_admin"]).post(url(membership))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_last_admin_cannot_be_removed(client_of, cast, landlord):
    membership = Membership.objects.get(user=cast["landlord_admin"])
    response = client_of(cast["landlord_admin"]).post(url(membership), follow=True)
    assert "dernier administrateur" in response.text
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("landlord_member", 403),
        ("landlord_viewer", 403),
        ("city_admin", 404),
        ("landlord2_admin", 404),
        ("outsider", 404),
    ],
)
def test_others_cannot_remove(client_of, cast, landlord, who, status):
    membership = Membership.objects.get(user=cast["landlord_viewer"])
    assert client_of(cast[who]).post(url(membership)).status_code == status
    assert Membership.objects.filter(pk=membership.pk).exists()
