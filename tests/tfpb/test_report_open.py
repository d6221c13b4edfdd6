import pytest
import time_machine
from django.urls import reverse

from tests.tfpb.pages import text
from tfpb.models import Report


def url(convention):
    return reverse("tfpb:report_open", args=[convention.pk])


def test_landlord_member_opens_the_2025_programme(client_of, cast, convention):
    response = client_of(cast["landlord_member"]).post(url(convention), {"year": "2025"})
    report = Report.objects.get()
    assert response["Location"] == report.get_absolute_url()
    assert report.year == 2025
    assert report.programmes.count() == 2


def test_opening_twice_gives_the_same_report(client_of, cast, convention):
    client = client_of(cast["landlord_admin"])
    client.post(url(convention), {"year": "2025"})
    client.post(url(convention), {"year": "2025"})
    assert Report.objects.count() == 1


@pytest.mark.parametrize("year", ["2031", "", "deux-mille"])
def test_a_year_outside_the_period_is_refused(client_of, cast, convention, year):
    response = client_of(cast["landlord_admin"]).post(url(convention), {"year": year}, follow=True)
    assert "ne peut pas être ouvert" in text(response)
    assert not Report.objects.exists()


def test_not_before_the_convention_is_signed(client_of, cast, draft_convention):
    response = client_of(cast["landlord_admin"]).post(url(draft_convention), {"year": "2025"}, follow=True)
    assert "la convention doit être signée" in text(response)
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("landlord_viewer", 403), ("city_admin", 403), ("state_user", 403), ("landlord2_admin", 404), ("outsider", 404)],
)
def test_others_cannot_open(client_of, cast, convention, who, status):
    assert client_of(cast[who]).post(url(convention), {"year": "2025"}).status_code == status
    assert not Report.objects.exists()


def test_get_is_not_allowed(client_of, cast, convention):
    assert client_of(cast["landlord_admin"]).get(url(convention)).status_code == 405


@time_machine.travel("2026-11-26 10:00 +0100", tick=False)
def test_programmes_open_up_to_next_year(client_of, cast, convention):
    client = client_of(cast["landlord_admin"])
    detail = text(client.get(convention.get_absolute_url()))
    assert "Préparer le programme 2027" in detail
    assert "Préparer le programme 2028" not in detail
    client.post(url(convention), {"year": "2027"})
    response = client.post(url(convention), {"year": "2028"}, follow=True)
    assert "au plus tard l'an prochain" in text(response)
    assert list(Report.objects.values_list("year", flat=True)) == [2027]
