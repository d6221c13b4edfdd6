import factory

from accounts.models import Enrolment, Kind, Membership, Organization, Role, TerritoryCommune, User
from accounts.validators import luhn_ok


def valid_siren(n):
    """The n-th fictional SIREN with a valid Luhn key (prefix 8 keeps clear of the demo's)."""
    stem = f"8{n:07d}"
    return next(stem + str(d) for d in range(10) if luhn_ok(stem + str(d)))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.fr")
    full_name = factory.Faker("name", locale="fr_FR")
    password = factory.django.Password("motdepasse-de-test")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    kind = Kind.LANDLORD
    name = factory.Sequence(lambda n: f"Organisation {n}")
    siren = factory.Sequence(valid_siren)

    class Params:
        landlord = factory.Trait(kind=Kind.LANDLORD)
        city = factory.Trait(kind=Kind.CITY)
        operator = factory.Trait(kind=Kind.OPERATOR)
        state = factory.Trait(kind=Kind.STATE)

    @factory.post_generation
    def territory(obj, create, codes, **kwargs):
        if create and codes:
            TerritoryCommune.objects.bulk_create(
                [TerritoryCommune(organization=obj, insee_code=code) for code in codes]
            )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.ADMIN


def member(organization, role=Role.ADMIN, email=None, **kwargs):
    """A user belonging to `organization` with `role`."""
    user = UserFactory(**({"email": email} if email else {}), **kwargs)
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


def enrol(organization, by):
    return Enrolment.objects.get_or_create(organization=organization, enrolled_by=by)[0]
