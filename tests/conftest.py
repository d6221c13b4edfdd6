"""The fixed cast (style.md): two landlords, one city, the State, two operators, one outsider.

- Habitat du Clain (`landlord`): admin Alice, member Martin, viewer Victor;
- Logis de la Vienne (`landlord2`): admin Bob;
- Grand Poitiers (`city`, communes 86194, 86041, 86214): admin Claire, member Clément;
- Préfecture de la Vienne (`state`, the same communes and Châtellerault): Étienne;
- FibreCité (`operator`): admin Olga; Réseau Solidaire (`operator2`): admin Oscar;
- the outsider, Xavier, admin of Brest Métropole, a city elsewhere (29019) that knows none of them.
"""

import pytest

from accounts.models import Role
from tests.factories import OrganizationFactory, enrol, member

POITIERS_COMMUNES = ["86194", "86041", "86214"]


@pytest.fixture
def city(db):
    return OrganizationFactory(city=True, name="Grand Poitiers", territory=POITIERS_COMMUNES)


@pytest.fixture
def state(db):
    return OrganizationFactory(state=True, name="Préfecture de la Vienne", territory=[*POITIERS_COMMUNES, "86066"])


@pytest.fixture
def landlord(city, state):
    org = OrganizationFactory(landlord=True, name="Habitat du Clain")
    enrol(org, city)
    enrol(org, state)
    return org


@pytest.fixture
def landlord2(city, state):
    org = OrganizationFactory(landlord=True, name="Logis de la Vienne")
    enrol(org, city)
    enrol(org, state)
    return org


@pytest.fixture
def operator(city):
    org = OrganizationFactory(operator=True, name="FibreCité")
    enrol(org, city)
    return org


@pytest.fixture
def operator2(city):
    org = OrganizationFactory(operator=True, name="Réseau Solidaire")
    enrol(org, city)
    return org


@pytest.fixture
def elsewhere_city(db):
    return OrganizationFactory(city=True, name="Brest Métropole", territory=["29019"])


@pytest.fixture
def landlord_admin(landlord):
    return member(landlord, Role.ADMIN, email="alice@habitat-du-clain.fr", full_name="Alice Bailleur")


@pytest.fixture
def landlord_member(landlord):
    return member(landlord, Role.MEMBER, email="martin@habitat-du-clain.fr", full_name="Martin Gestion")


@pytest.fixture
def landlord_viewer(landlord):
    return member(landlord, Role.VIEWER, email="victor@habitat-du-clain.fr", full_name="Victor Lecteur")


@pytest.fixture
def landlord2_admin(landlord2):
    return member(landlord2, Role.ADMIN, email="bob@logis-vienne.fr", full_name="Bob Logis")


@pytest.fixture
def city_admin(city):
    return member(city, Role.ADMIN, email="claire@grandpoitiers.fr", full_name="Claire Ville")


@pytest.fixture
def city_member(city):
    return member(city, Role.MEMBER, email="clement@grandpoitiers.fr", full_name="Clément Ville")


@pytest.fixture
def state_user(state):
    return member(state, Role.ADMIN, email="etienne@vienne.gouv.fr", full_name="Étienne Préfecture")


@pytest.fixture
def operator_admin(operator):
    return member(operator, Role.ADMIN, email="olga@fibrecite.fr", full_name="Olga Fibre")


@pytest.fixture
def operator2_admin(operator2):
    return member(operator2, Role.ADMIN, email="oscar@reseau-solidaire.fr", full_name="Oscar Réseau")


@pytest.fixture
def outsider(elsewhere_city):
    return member(elsewhere_city, Role.ADMIN, email="xavier@brest.fr", full_name="Xavier Ailleurs")


@pytest.fixture
def cast(
    landlord_admin,
    landlord_member,
    landlord_viewer,
    landlord2_admin,
    city_admin,
    city_member,
    state_user,
    operator_admin,
    operator2_admin,
    outsider,
):
    """Every member of the cast, by name, for tests that walk through all of them."""
    return {
        "landlord_admin": landlord_admin,
        "landlord_member": landlord_member,
        "landlord_viewer": landlord_viewer,
        "landlord2_admin": landlord2_admin,
        "city_admin": city_admin,
        "city_member": city_member,
        "state_user": state_user,
        "operator_admin": operator_admin,
        "operator2_admin": operator2_admin,
        "outsider": outsider,
    }


@pytest.fixture
def client_of(client):
    """client_of(user): the test client, logged in as `user`."""

    def login(user):
        client.force_login(user)
        return client

    return login
