from django.urls import reverse

from accounts.models import Organization
from tests.factories import OrganizationFactory
from tests.tfpb import factories


def test_city_staff_see_the_organisations_of_a_convention_in_their_communes(cast, city, state, trois_cites):
    landlord = OrganizationFactory(landlord=True, name="Bailleur non référencé")
    commune = OrganizationFactory(city=True, name="Ville de Saint-Benoît", territory=["86214"])
    factories.convention(landlord, cities=[commune], state=state, qpvs=[trois_cites])
    visible = Organization.objects.visible_to(cast["city_admin"])
    assert landlord in visible
    assert commune in visible
    assert landlord not in Organization.objects.visible_to(cast["outsider"])


def test_the_menu_offers_the_tfpb_pages_to_landlords_cities_and_state(client_of, cast):
    link = reverse("tfpb:convention_list")
    for who in ["landlord_viewer", "city_member", "state_user"]:
        assert f'href="{link}"' in client_of(cast[who]).get(reverse("home")).text
    assert f'href="{link}"' not in client_of(cast["operator_admin"]).get(reverse("home")).text
