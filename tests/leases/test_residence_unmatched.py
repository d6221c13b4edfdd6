import pytest
from django.urls import reverse
from django.utils import timezone

from tests.leases.factories import ResidenceFactory

URL = reverse("leases:residence_unmatched")


@pytest.fixture
def lost(landlord):
    """A residence of Habitat du Clain no ARCEP building was matched to, in Poitiers."""
    return ResidenceFactory(landlord=landlord, name="Sans Fibre Connue", unmatched=True)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("landlord_admin", {"Sans Fibre Connue"}),
        ("landlord_viewer", {"Sans Fibre Connue"}),
        ("landlord2_admin", {"Saint-Eloi"}),
        ("city_admin", {"Sans Fibre Connue", "Saint-Eloi"}),
        ("state_user", {"Sans Fibre Connue", "Saint-Eloi"}),
        ("operator_admin", set()),
        ("outsider", set()),
    ],
)
def test_unmatched_residences_by_role(client_of, cast, stock, lost, who, expected):
    response = client_of(cast[who]).get(URL)
    assert response.status_code == 200
    names = {"Sans Fibre Connue", "Saint-Eloi", "Les Tilleuls", "Le Phare"}
    assert {name for name in names if name in response.text} == expected


def test_says_when_it_was_last_tried(client_of, cast, lost):
    lost.fibre_updated_at = timezone.now()
    lost.save()
    text = client_of(cast["landlord_admin"]).get(URL).text
    assert "aucun immeuble à cette adresse" in text
