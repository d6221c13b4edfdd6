from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone

from .registry import registry
from .validators import normalize_siren, validate_insee, validate_siren


class StaleEdit(Exception):
    """Someone saved the same object since this form was loaded."""


class Versioned(models.Model):
    """Optimistic locking for edit forms on shared objects (style.md, "State machines").

    The form carries the version it was loaded with; `save_if_current` refuses a stale save
    instead of silently overwriting someone else's change.
    """

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save_if_current(self, expected_version, fields):
        values = {name: getattr(self, name) for name in fields}
        updated = (
            type(self).objects.filter(pk=self.pk, version=expected_version).update(version=F("version") + 1, **values)
        )
        if not updated:
            raise StaleEdit
        self.version = int(expected_version) + 1


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("Une adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("adresse e-mail", unique=True)
    full_name = models.CharField("nom complet", max_length=150, blank=True)
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField("accès à l'administration technique", default=False)
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def memberships_cached(self):
        """The user's memberships, read once per request (the user object lives one request)."""
        if not hasattr(self, "_memberships_cache"):
            self._memberships_cache = list(self.memberships.select_related("organization"))
        return self._memberships_cache

    def role_in(self, organization):
        org_id = getattr(organization, "pk", organization)
        for membership in self.memberships_cached:
            if membership.organization_id == org_id:
                return membership.role
        return None

    def has_role(self, organization, *roles):
        """True when the user belongs to the organisation with one of `roles` (any role if none given)."""
        role = self.role_in(organization)
        return role is not None and (not roles or role in roles)

    def is_admin_of(self, organization):
        return self.has_role(organization, Role.ADMIN)

    def can_edit_for(self, organization):
        return self.has_role(organization, Role.ADMIN, Role.MEMBER)

    @property
    def kinds(self):
        return {m.organization.kind for m in self.memberships_cached}

    @property
    def has_territory(self):
        return bool(self.kinds & {Kind.CITY, Kind.STATE})


class Kind(models.TextChoices):
    """The four sides that work together (domain.md §2)."""

    LANDLORD = "landlord", "Bailleur social"
    CITY = "city", "Collectivité"
    OPERATOR = "operator", "Opérateur"
    STATE = "state", "État"


TERRITORIAL_KINDS = (Kind.CITY, Kind.STATE)


class Role(models.TextChoices):
    ADMIN = "admin", "Administrateur"
    MEMBER = "member", "Membre"
    VIEWER = "viewer", "Lecteur"


def memberships_of(user, roles=None):
    qs = Membership.objects.filter(user=user)
    if roles:
        qs = qs.filter(role__in=roles)
    return qs


def is_member(user, field="pk", roles=None):
    """Exists() subquery: the user belongs to the organisation at OuterRef(field)."""
    if not getattr(user, "is_authenticated", False):
        return Exists(Membership.objects.none())
    return Exists(memberships_of(user, roles).filter(organization=OuterRef(field)))


def territory_of(user):
    """Subquery of the INSEE codes covered by the city or State organisations of the user."""
    if not getattr(user, "is_authenticated", False):
        return TerritoryCommune.objects.none().values("insee_code")
    return TerritoryCommune.objects.filter(
        organization__memberships__user=user, organization__kind__in=TERRITORIAL_KINDS
    ).values("insee_code")


class OrganizationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What a user may see of organisations.

        - their own organisations;
        - landlords and operators: the city and State organisations that enrolled them;
        - city and State staff: the organisations they enrolled, and those working in their
          communes (the domain apps register what "working there" means).
        """
        if not getattr(user, "is_authenticated", False):
            return self.none()
        my_orgs = memberships_of(user).values("organization")
        condition = (
            is_member(user)
            | Exists(Enrolment.objects.filter(organization=OuterRef("pk"), enrolled_by__in=my_orgs))
            | Exists(Enrolment.objects.filter(enrolled_by=OuterRef("pk"), organization__in=my_orgs))
        )
        if user.has_territory:
            communes = territory_of(user)
            for presence in registry.presence:
                condition |= presence(communes)
        return self.filter(condition)

    def territorial(self):
        return self.filter(kind__in=TERRITORIAL_KINDS)


class Organization(Versioned):
    kind = models.CharField("type", max_length=16, choices=Kind.choices)
    name = models.CharField("nom", max_length=200)
    siren = models.CharField("SIREN", max_length=9, unique=True, validators=[validate_siren])
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    members = models.ManyToManyField(
        User,
        through="Membership",
        through_fields=("organization", "user"),
        related_name="organizations",
        verbose_name="membres",
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.siren = normalize_siren(self.siren)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("accounts:organization_detail", args=[self.pk])

    @property
    def is_territorial(self):
        return self.kind in TERRITORIAL_KINDS

    @property
    def territory_codes(self):
        return [c.insee_code for c in self.territory.all()]

    def set_territory(self, codes):
        """Replace the communes covered. Caller wraps it in a transaction with the save."""
        self.territory.exclude(insee_code__in=codes).delete()
        existing = set(self.territory.values_list("insee_code", flat=True))
        TerritoryCommune.objects.bulk_create(
            [TerritoryCommune(organization=self, insee_code=c) for c in codes if c not in existing]
        )

    def admins(self):
        return self.members.filter(memberships__role=Role.ADMIN, is_active=True)

    def has_admin(self):
        return self.memberships.filter(role=Role.ADMIN).exists()

    @classmethod
    @transaction.atomic
    def create_with_territory(cls, *, kind, siren, name, territory=()):
        """Create an organisation after full validation; territory required for city and State."""
        from django.core.exceptions import ValidationError

        org = cls(kind=kind, siren=normalize_siren(siren), name=name.strip())
        if cls.objects.filter(siren=org.siren).exists():
            raise ValidationError({"siren": f"Une organisation avec le SIREN {org.siren} existe déjà."})
        org.full_clean()
        org.check_territory(territory)
        org.save()
        org.set_territory(list(territory))
        return org

    def check_territory(self, territory):
        from django.core.exceptions import ValidationError

        if self.kind in TERRITORIAL_KINDS and not territory:
            raise ValidationError(
                {"territory": "Une collectivité ou un service de l'État couvre au moins une commune."}
            )
        if self.kind not in TERRITORIAL_KINDS and territory:
            raise ValidationError(
                {"territory": "Un bailleur ou un opérateur peut agir partout : pas de territoire à saisir."}
            )


class TerritoryCommune(models.Model):
    """One commune (INSEE code) covered by a city or State organisation."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="territory")
    insee_code = models.CharField("code INSEE", max_length=5, validators=[validate_insee], db_index=True)

    class Meta:
        verbose_name = "commune du territoire"
        verbose_name_plural = "communes du territoire"
        constraints = [models.UniqueConstraint(fields=["organization", "insee_code"], name="unique_commune_per_org")]
        ordering = ["insee_code"]

    def __str__(self):
        return self.insee_code


class Enrolment(models.Model):
    """A city or State organisation added this organisation to its territory's partners."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="enrolments")
    enrolled_by = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="enrolled")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = "référencement"
        verbose_name_plural = "référencements"
        constraints = [models.UniqueConstraint(fields=["organization", "enrolled_by"], name="unique_enrolment")]

    def __str__(self):
        return f"{self.organization} référencée par {self.enrolled_by}"


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Members of an organisation are visible to its own members only."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(organization__in=memberships_of(user).values("organization"))


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("rôle", max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField("depuis le", auto_now_add=True)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "appartenance"
        verbose_name_plural = "appartenances"
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="unique_membership")]
        ordering = ["organization__name", "user__email"]

    def __str__(self):
        return f"{self.user} — {self.organization} ({self.get_role_display()})"

    def is_last_admin(self):
        return (
            self.role == Role.ADMIN
            and not self.organization.memberships.filter(role=Role.ADMIN).exclude(pk=self.pk).exists()
        )
