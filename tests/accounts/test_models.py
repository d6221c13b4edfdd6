import pytest
from django.core.exceptions import ValidationError
from django.db.models import Exists, Q

from accounts.models import Organization, StaleEdit
from accounts.registry import registry
from accounts.validators import luhn_ok, normalize_insee, parse_insee_list, validate_siren
from tests.factories import OrganizationFactory


@pytest.mark.parametrize("siren", ["200069854", "732829320", "552 100 554"])
def test_valid_sirens_pass_luhn(siren):
    validate_siren(siren.replace(" ", ""))


@pytest.mark.parametrize(
    ("siren", "reason"),
    [("200069855", "clé de contrôle"), ("12345678", "9 chiffres"), ("20006985A", "9 chiffres")],
)
def test_bad_siren_is_refused_in_french(siren, reason):
    with pytest.raises(ValidationError, match=reason):
        validate_siren(siren)


def test_luhn_rejects_any_single_digit_change():
    good = "200069854"
    assert luhn_ok(good)
    for i in range(9):
        changed = good[:i] + str((int(good[i]) + 1) % 10) + good[i + 1 :]
        assert not luhn_ok(changed)


@pytest.mark.parametrize(
    ("raw", "code"), [("1053", "01053"), ("01053", "01053"), (1053.0, "01053"), ("2a004", "2A004")]
)
def test_insee_codes_keep_or_regain_their_leading_zero(raw, code):
    assert normalize_insee(raw) == code


def test_insee_list_is_parsed_deduplicated_and_checked():
    assert parse_insee_list("86194, 86041;86194|2A004") == ["86194", "86041", "2A004"]
    with pytest.raises(ValidationError, match="code commune INSEE"):
        parse_insee_list("86194, Poitiers")


@pytest.mark.django_db
def test_city_needs_a_territory_and_landlord_has_none():
    with pytest.raises(ValidationError, match="au moins une commune"):
        Organization.create_with_territory(kind="city", siren="200069854", name="Grand Poitiers")
    with pytest.raises(ValidationError, match="pas de territoire"):
        Organization.create_with_territory(kind="landlord", siren="200069854", name="X", territory=["86194"])
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_stale_version_is_refused():
    org = OrganizationFactory()
    first, second = Organization.objects.get(pk=org.pk), Organization.objects.get(pk=org.pk)
    first.name = "Premier"
    first.save_if_current(first.version, ["name"])
    second.name = "Second"
    with pytest.raises(StaleEdit):
        second.save_if_current(second.version, ["name"])
    assert Organization.objects.get(pk=org.pk).name == "Premier"


def test_visible_organizations(cast, landlord, landlord2, city, state, operator, operator2, elsewhere_city):
    def visible(user):
        return set(Organization.objects.visible_to(user))

    assert visible(cast["landlord_admin"]) == {landlord, city, state}
    assert visible(cast["operator_admin"]) == {operator, city}
    assert visible(cast["city_admin"]) == {city, landlord, landlord2, operator, operator2}
    assert visible(cast["state_user"]) == {state, landlord, landlord2}
    assert visible(cast["outsider"]) == {elsewhere_city}


def test_city_sees_organisations_registered_as_present_in_its_communes(cast, city, elsewhere_city):
    """The presence extension point: a domain app says who works in which communes."""
    stranger = OrganizationFactory(landlord=True, name="Bailleur venu d'ailleurs")

    def works_in_poitiers(communes):
        # Stands for "has dwellings in 86194", as the housing-stock app will register.
        return Q(pk=stranger.pk) & Exists(communes.filter(insee_code="86194"))

    registry.presence.append(works_in_poitiers)
    try:
        assert stranger in Organization.objects.visible_to(cast["city_admin"])
        assert stranger not in Organization.objects.visible_to(cast["outsider"])
        assert stranger not in Organization.objects.visible_to(cast["landlord_admin"])
    finally:
        registry.presence.remove(works_in_poitiers)
