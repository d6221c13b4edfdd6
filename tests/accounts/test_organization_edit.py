import pytest
from django.urls import reverse

from accounts.models import Organization


def url(org):
    return reverse("accounts:organization_edit", args=[org.pk])


def test_city_admin_edits_its_name_and_territory(client_of, cast, city):
    response = client_of(cast["city_admin"]).post(
        url(city), {"name": "Grand Poitiers CU", "territory": "86194, 86041, 86062", "version": city.version}
    )
    assert response.status_code == 302
    city.refresh_from_db()
    assert city.name == "Grand Poitiers CU"
    assert city.territory_codes == ["86041", "86062", "86194"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("landlord_member", 403),
        ("landlord_viewer", 403),
        ("city_admin", 403),
        ("landlord2_admin", 404),
        ("outsider", 404),
    ],
)
def test_others_cannot_edit_the_landlord(client_of, cast, landlord, who, status):
    assert client_of(cast[who]).get(url(landlord)).status_code == status


def test_stale_form_does_not_overwrite(client_of, cast, landlord):
    client = client_of(cast["landlord_admin"])
    stale_version = landlord.version
    client.post(url(landlord), {"name": "Premier changement", "version": stale_version})
    response = client.post(url(landlord), {"name": "Second changement", "version": stale_version}, follow=True)
    assert "a modifié cette organisation pendant que vous" in response.text
    assert Organization.objects.get(pk=landlord.pk).name == "Premier changement"
