"""The connectivity charter (domain.md §1, lever 1): a city's text, who signs it, what they commit to.

- Charter: one version of a city's text. A published text never changes (checked here, in the
  model, not only in forms); a new version supersedes the old one, which stays readable.
- Signature (adhésion): one organisation's answer to one version, with the fingerprint of the
  exact text signed.
- Commitment: a typed, dated target attached to a signature; its progress is computed from live
  data through charter/measures.py (the extension point later apps fill), never typed in.
"""

import hashlib
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description
from django_fsm_log.models import StateLog

from accounts.models import Kind, Organization, Role, Versioned, is_member, memberships_of
from leases.models import Qpv, Residence

from .measures import Measure, measure_of

DEFAULT_TITLE = "La connexion internet, un droit pour tous"


class PublishedText(ValidationError):
    """Someone tried to change the text of a published charter."""

    def __init__(self, message=None):
        super().__init__(
            message or "Le texte d'une charte publiée ne change plus : préparez une nouvelle version de la charte."
        )


def log_creation(obj, *, by, state, description=None):
    """An object born in a state (a draft, an invitation) gets its first "Historique" line.

    django-fsm-log records transitions only; creation is not one, so we add the row it would have written.
    """
    StateLog.objects.create(
        content_object=obj, source_state=None, state=state, transition="create", by=by, description=description
    )


def is_city_admin_of(charter, user):
    """Transition permission (instance, user): an admin of the charter's city decides."""
    return user.has_role(charter.city_id, Role.ADMIN)


# The fields that make up the text: frozen once the charter is published.
TEXT_FIELDS = ("city_id", "title", "number", "preamble", "articles", "effective_date", "previous_id")


class CharterQuerySet(models.QuerySet):
    def published(self):
        return self.exclude(state=Charter.State.DRAFT)

    def visible_to(self, user):
        """The city's own staff see every version, drafts included; an organisation sees the versions
        it was invited to. Anyone reads published versions on the public page (views.charter_public)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        invited = Signature.objects.filter(
            charter=OuterRef("pk"), organization__in=memberships_of(user).values("organization")
        )
        return self.filter(Q(is_member(user, "city")) | Q(Exists(invited)))

    def of_my_cities(self, user):
        """The charters of the city organisations `user` belongs to (any role)."""
        return self.filter(is_member(user, "city"))

    def with_counts(self):
        return self.annotate(
            signed_count=models.Count("signatures", filter=Q(signatures__state=Signature.State.SIGNED)),
            invited_count=models.Count("signatures", filter=Q(signatures__state=Signature.State.INVITED)),
        )

    def update(self, **kwargs):
        """The text of a published charter never changes, not even through QuerySet.update()."""
        frozen = {name.removesuffix("_id") for name in TEXT_FIELDS} | set(TEXT_FIELDS)
        if frozen & kwargs.keys() and self.published().exists():
            raise PublishedText
        return super().update(**kwargs)


class Charter(ConcurrentTransitionMixin, Versioned):
    """One version of a city's charter. `number` is the version of the text ("version 2"); the
    inherited `version` is only the edit lock of the draft form (accounts.models.Versioned)."""

    class State(models.TextChoices):
        """City staff write a draft, then publish it: the charter is open for signature and its text is
        frozen. They close it when no one may join any more. Publishing the next version supersedes
        it: its signatories are invited to the new text; the old version stays readable forever."""

        DRAFT = "draft", "Brouillon"
        OPEN = "open", "Ouverte à la signature"
        CLOSED = "closed", "Close"
        SUPERSEDED = "superseded", "Remplacée par une version plus récente"

    city = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="charters",
        limit_choices_to={"kind": Kind.CITY},
        verbose_name="collectivité",
    )
    title = models.CharField("titre", max_length=200, default=DEFAULT_TITLE)
    number = models.PositiveIntegerField("version", default=1)
    qpvs = models.ManyToManyField(Qpv, related_name="charters", verbose_name="quartiers prioritaires couverts")
    preamble = models.TextField("préambule")
    # [{"heading": "...", "body": "..."}], in order, numbered from 1: plain text, never HTML.
    articles = models.JSONField("articles", default=list, blank=True)
    effective_date = models.DateField("date d'entrée en vigueur", null=True, blank=True)
    reminder_delay_days = models.PositiveSmallIntegerField(
        "relancer les organisations invitées sans réponse après (jours)",
        default=15,
        help_text="Un e-mail de relance part une fois ce délai écoulé depuis l'invitation. 0 : aucune relance.",
    )
    state = FSMField("état", choices=State.choices, default=State.DRAFT, protected=True)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        verbose_name="version précédente",
    )
    fingerprint = models.CharField("empreinte SHA-256 du texte", max_length=64, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField("publiée le", null=True, blank=True)
    closed_at = models.DateTimeField("close le", null=True, blank=True)

    objects = CharterQuerySet.as_manager()

    class Meta:
        verbose_name = "charte"
        verbose_name_plural = "chartes"
        ordering = ["city__name", "title", "-number"]

    def __str__(self):
        return f"{self.title} (version {self.number})"

    def save(self, *args, **kwargs):
        """A published text never changes: the stored row is the reference, whatever this instance thinks."""
        if not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values("state", *TEXT_FIELDS).first()
            if (
                stored
                and stored["state"] != self.State.DRAFT
                and any(stored[name] != getattr(self, name) for name in TEXT_FIELDS)
            ):
                raise PublishedText
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.state != self.State.DRAFT:
            raise PublishedText("Une charte publiée reste consultable : elle ne peut pas être supprimée.")
        return super().delete(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("charter:charter_detail", args=[self.pk])

    def get_public_url(self):
        return reverse("charter:charter_public", args=[self.pk])

    @property
    def is_draft(self):
        return self.state == self.State.DRAFT

    @property
    def is_published(self):
        return self.state != self.State.DRAFT

    @property
    def numbered_articles(self):
        return [(n, a.get("heading", ""), a.get("body", "")) for n, a in enumerate(self.articles, start=1)]

    def canonical_text(self):
        """The plain text a signatory signs: title, version, preamble and numbered articles.

        Unicode NFC and "\\n" line endings, so that the same text always gives the same bytes,
        whatever the browser or the keyboard that typed it. Printed in full on the certificate,
        so that anyone can recompute the fingerprint.
        """
        parts = [self.title, f"Version {self.number}", "", self.preamble]
        for number, heading, body in self.numbered_articles:
            parts += ["", f"Article {number}" + (f" — {heading}" if heading else ""), body]
        text = "\n".join(parts).replace("\r\n", "\n").replace("\r", "\n")
        return unicodedata.normalize("NFC", text)

    def compute_fingerprint(self):
        """SHA-256 (hex) of canonical_text() in UTF-8."""
        return hashlib.sha256(self.canonical_text().encode("utf-8")).hexdigest()

    def is_staff(self, user):
        """City staff: any member of the city organisation (viewers read, members write, admins decide)."""
        return user.has_role(self.city_id)

    def can_write(self, user):
        return user.has_role(self.city_id, Role.ADMIN, Role.MEMBER)

    def can_edit(self, user):
        return self.is_draft and self.can_write(user)

    def can_invite(self, user):
        return self.state == self.State.OPEN and self.can_write(user)

    def can_start_new_version(self, user):
        return (
            self.state in (self.State.OPEN, self.State.CLOSED)
            and self.can_write(user)
            and not Charter.objects.filter(previous=self).exists()
        )

    def publish_problems(self):
        """What still prevents publication, in French (empty when ready)."""
        problems = []
        if not self.qpvs.exists():
            problems.append("Choisissez au moins un quartier prioritaire couvert par la charte.")
        if not self.preamble.strip():
            problems.append("Rédigez le préambule.")
        if not any(a.get("body", "").strip() for a in self.articles):
            problems.append("Rédigez au moins un article.")
        if not self.effective_date:
            problems.append("Indiquez la date d'entrée en vigueur.")
        if self.previous_id and self.previous.state not in (self.State.OPEN, self.State.CLOSED):
            problems.append("La version précédente n'est plus en vigueur : cette version ne peut pas la remplacer.")
        return problems

    @transaction.atomic
    def new_version(self, *, by):
        """A draft copy of this text, numbered next, that will supersede this version once published."""
        draft = Charter.objects.create(
            city=self.city,
            title=self.title,
            number=self.number + 1,
            preamble=self.preamble,
            articles=list(self.articles),
            effective_date=None,
            reminder_delay_days=self.reminder_delay_days,
            previous=self,
            created_by=by,
        )
        draft.qpvs.set(self.qpvs.all())
        log_creation(draft, by=by, state=self.State.DRAFT, description=f"Nouvelle version de la version {self.number}")
        return draft

    def invitable_organizations(self, user):
        """Landlords and operators visible to `user` that have not been invited to this version yet."""
        return (
            Organization.objects.visible_to(user)
            .filter(kind__in=[Kind.LANDLORD, Kind.OPERATOR])
            .exclude(charter_signatures__charter=self)
        )

    def invite(self, organizations, *, by, notify=True):
        """Invite organisations to sign this version; each gets an e-mail once the transaction commits."""
        created = []
        for organization in organizations:
            signature = Signature.objects.create(charter=self, organization=organization, invited_by=by)
            log_creation(signature, by=by, state=Signature.State.INVITED)
            created.append(signature)
        for signature in created if notify else []:
            transaction.on_commit(signature.send_invitation)
        return created

    def _carry_over_signatures(self, *, by):
        """Publishing this version supersedes the previous one: its pending and signed adhesions are
        superseded, their organisations invited to this text, their commitments copied as proposals."""
        previous = self.previous
        pending = previous.signatures.filter(state__in=[Signature.State.INVITED, Signature.State.SIGNED])
        for old in pending.select_related("organization").prefetch_related("commitments"):
            old.supersede(by=by, description=f"Remplacée par la version {self.number}")
            old.save()
            new = Signature.objects.create(charter=self, organization=old.organization, invited_by=by, replaces=old)
            log_creation(
                new, by=by, state=Signature.State.INVITED, description=f"Reprise de la version {previous.number}"
            )
            for commitment in old.commitments.all():
                commitment.copy_as_proposal(to=new, by=by)
            transaction.on_commit(new.send_invitation)
        previous.supersede(by=by, description=f"Remplacée par la version {self.number}")
        previous.save()

    # Transitions. The view runs each with accounts.transitions.run_transition (one transaction).

    @fsm_log_by
    @transition(
        field=state,
        source=State.DRAFT,
        target=State.OPEN,
        permission=is_city_admin_of,
        custom={"label": "Publier la charte"},
    )
    def publish(self, *, by):
        problems = self.publish_problems()
        if problems:
            raise ValidationError(problems)
        self.published_at = timezone.now()
        self.fingerprint = self.compute_fingerprint()
        if self.previous_id:
            self._carry_over_signatures(by=by)

    @fsm_log_by
    @transition(
        field=state,
        source=State.OPEN,
        target=State.CLOSED,
        permission=is_city_admin_of,
        custom={"label": "Clore les signatures", "danger": True},
    )
    def close(self, *, by):
        self.closed_at = timezone.now()

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state,
        source=[State.OPEN, State.CLOSED],
        target=State.SUPERSEDED,
        permission=is_city_admin_of,
        custom={"hidden": True},
    )
    def supersede(self, *, by, description=None):
        """Run by publish() of the next version, never from a button."""


@receiver(m2m_changed, sender=Charter.qpvs.through)
def refuse_qpv_change_once_published(sender, instance, action, reverse, pk_set, **kwargs):
    """The QPV a published charter covers are part of its text: QPV lists go through the ORM's M2M API,
    which bypasses Charter.save(), so the rule is checked here too."""
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    if not reverse:
        published = Charter.objects.filter(pk=instance.pk).published().exists()
    elif pk_set:
        published = Charter.objects.filter(pk__in=pk_set).published().exists()
    else:
        published = instance.charters.published().exists()
    if published:
        raise PublishedText


class SignatureQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An organisation's members see its own adhesions; the city's staff see those to its charters."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(Q(is_member(user, "organization")) | Q(is_member(user, "charter__city")))

    def of_my_organizations(self, user):
        """The adhesions of the organisations `user` belongs to (any role)."""
        return self.filter(is_member(user, "organization"))

    def current(self):
        return self.exclude(state=Signature.State.SUPERSEDED)


def is_org_admin_of(signature, user):
    """Transition permission (instance, user): only an admin of the organisation answers for it."""
    return user.is_admin_of(signature.organization_id)


def charter_is_open(signature):
    return signature.charter.state == Charter.State.OPEN


class Signature(ConcurrentTransitionMixin, models.Model):
    """One organisation's adhesion to one version of a charter."""

    class State(models.TextChoices):
        """City staff invite an organisation; one of its admins signs, stating name and function, or
        declines. A signatory may later withdraw, giving a reason. When the city publishes a new version,
        pending and signed adhesions to the old text are superseded and the organisation is invited again."""

        INVITED = "invited", "Invitée"
        SIGNED = "signed", "Signée"
        WITHDRAWN = "withdrawn", "Retirée"
        DECLINED = "declined", "Déclinée"
        SUPERSEDED = "superseded", "Remplacée (nouvelle version)"

    charter = models.ForeignKey(Charter, on_delete=models.PROTECT, related_name="signatures", verbose_name="charte")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="charter_signatures", verbose_name="organisation"
    )
    state = FSMField("état", choices=State.choices, default=State.INVITED, protected=True)
    invited_at = models.DateTimeField("invitée le", default=timezone.now)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField("signée le", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signatory_name = models.CharField("nom du signataire", max_length=150, blank=True)
    signatory_function = models.CharField("fonction du signataire", max_length=150, blank=True)
    fingerprint = models.CharField("empreinte SHA-256 du texte signé", max_length=64, blank=True)
    declined_at = models.DateTimeField("déclinée le", null=True, blank=True)
    decline_reason = models.TextField("motif du refus", blank=True)
    withdrawn_at = models.DateTimeField("retirée le", null=True, blank=True)
    withdrawal_reason = models.TextField("motif du retrait", blank=True)
    superseded_at = models.DateTimeField("remplacée le", null=True, blank=True)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name="adhésion à la version précédente",
    )

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = "adhésion"
        verbose_name_plural = "adhésions"
        ordering = ["organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["charter", "organization"], name="one_signature_per_charter_version")
        ]

    def __str__(self):
        return f"Adhésion de {self.organization} à {self.charter}"

    def get_absolute_url(self):
        return reverse("charter:signature_detail", args=[self.pk])

    @property
    def has_certificate(self):
        """Signed once: the certificate stays downloadable after a withdrawal or a new version."""
        return self.signed_at is not None

    @property
    def badge(self):
        return {
            self.State.SIGNED: "badge-ok",
            self.State.INVITED: "badge-info",
            self.State.WITHDRAWN: "badge-danger",
            self.State.DECLINED: "badge-warn",
        }.get(self.state, "")

    def can_manage_commitments(self, user):
        """An admin of the organisation sets commitments while the adhesion is pending or signed."""
        return (
            user.is_admin_of(self.organization_id)
            and self.charter.state == Charter.State.OPEN
            and self.state in (self.State.INVITED, self.State.SIGNED)
        )

    def commitment_kinds(self):
        return CommitmentKind.objects.filter(side=self.organization.kind, is_active=True)

    def recipients(self):
        """Who hears about this adhesion: the organisation's admins, or its members when it has none."""
        admins = list(self.organization.admins().values_list("email", flat=True))
        if admins:
            return admins
        return list(self.organization.members.filter(is_active=True).values_list("email", flat=True))

    def send_invitation(self):
        from .emails import send_invitation

        send_invitation(self)

    # Transitions

    @fsm_log_by
    @transition(
        field=state,
        source=State.INVITED,
        target=State.SIGNED,
        conditions=[charter_is_open],
        permission=is_org_admin_of,
        custom={"label": "Signer la charte", "form": True},
    )
    def sign(self, *, by, signatory_name, signatory_function, fingerprint):
        """The admin signs the exact text shown (`fingerprint`); the commitments proposed so far come into force."""
        expected = self.charter.compute_fingerprint()
        if fingerprint != expected or expected != self.charter.fingerprint:
            raise ValidationError(
                "Le texte affiché n'est pas celui de la charte publiée : "
                "rechargez la page et relisez-le avant de signer."
            )
        self.signed_at = timezone.now()
        self.signed_by = by
        self.signatory_name = signatory_name.strip()
        self.signatory_function = signatory_function.strip()
        self.fingerprint = expected
        for commitment in self.commitments.select_related("kind"):
            commitment.signature = self
            commitment.activate(on=timezone.localdate(self.signed_at))
            # Bumping the edit lock: a proposal form opened before the signature can no longer save.
            Commitment.objects.filter(pk=commitment.pk).update(
                starts_on=commitment.starts_on, baseline_value=commitment.baseline_value, version=F("version") + 1
            )

    @fsm_log_by
    @fsm_log_description(allow_inline=True)
    @transition(
        field=state,
        source=State.INVITED,
        target=State.DECLINED,
        conditions=[charter_is_open],
        permission=is_org_admin_of,
        custom={"label": "Décliner l'invitation", "form": True},
    )
    def decline(self, *, by, reason="", description=None):
        self.declined_at = timezone.now()
        self.decline_reason = reason.strip()
        if self.decline_reason:
            description.set(self.decline_reason)

    @fsm_log_by
    @fsm_log_description(allow_inline=True)
    @transition(
        field=state,
        source=State.SIGNED,
        target=State.WITHDRAWN,
        permission=is_org_admin_of,
        custom={"label": "Retirer l'adhésion", "form": True, "danger": True},
    )
    def withdraw(self, *, by, reason, description=None):
        if not reason.strip():
            raise ValidationError("Indiquez le motif du retrait : il est communiqué à la collectivité.")
        self.withdrawn_at = timezone.now()
        self.withdrawal_reason = reason.strip()
        description.set(self.withdrawal_reason)

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state,
        source=[State.INVITED, State.SIGNED],
        target=State.SUPERSEDED,
        permission=lambda self, user: is_city_admin_of(self.charter, user),
        custom={"hidden": True},
    )
    def supersede(self, *, by, description=None):
        """Run when the city publishes the next version (Charter._carry_over_signatures)."""
        self.superseded_at = timezone.now()


class Reminder(models.Model):
    """A reminder e-mail sent for an unanswered invitation, once per delay (charter/deadlines.py)."""

    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="reminders")
    delay_days = models.PositiveSmallIntegerField("délai (jours)")
    sent_at = models.DateTimeField("envoyée le", default=timezone.now)

    class Meta:
        verbose_name = "relance"
        verbose_name_plural = "relances"
        constraints = [models.UniqueConstraint(fields=["signature", "delay_days"], name="one_reminder_per_delay")]

    def __str__(self):
        return f"Relance de {self.signature.organization} ({self.delay_days} jours)"


class Direction(models.TextChoices):
    AT_LEAST = "at_least", "au moins"
    AT_MOST = "at_most", "au plus"


class ValueType(models.TextChoices):
    NUMBER = "number", "nombre"
    CHOICE = "choice", "choix dans une liste"
    DECLARATION = "declaration", "engagement décrit en clair"


class Scope(models.TextChoices):
    NONE = "none", "toute l'organisation"
    QPV = "qpv", "un quartier prioritaire"
    RESIDENCE = "residence", "une résidence"


class CommitmentKind(models.Model):
    """A kind of commitment (data, not code): later apps measure a kind by its `code` (charter/measures.py).

    Seeded by migration 0002; an administrator may add kinds without a deployment.
    """

    code = models.SlugField("code", max_length=40, unique=True)
    side = models.CharField(
        "pris par",
        max_length=16,
        choices=[(Kind.LANDLORD.value, Kind.LANDLORD.label), (Kind.OPERATOR.value, Kind.OPERATOR.label)],
    )
    label = models.CharField("libellé", max_length=200)
    help_text = models.TextField("explication", blank=True)
    value_type = models.CharField("type de cible", max_length=12, choices=ValueType.choices)
    direction = models.CharField("sens", max_length=10, choices=Direction.choices, default=Direction.AT_LEAST)
    unit = models.CharField("unité", max_length=40, blank=True)
    min_value = models.DecimalField("minimum", max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField("maximum", max_digits=12, decimal_places=2, null=True, blank=True)
    choices = models.JSONField("choix possibles", default=list, blank=True)  # [[code, label], ...]
    scope = models.CharField("porte sur", max_length=10, choices=Scope.choices, default=Scope.NONE)
    order = models.PositiveSmallIntegerField("ordre", default=100)
    is_active = models.BooleanField("proposé aux signataires", default=True)

    class Meta:
        verbose_name = "type d'engagement"
        verbose_name_plural = "types d'engagement"
        ordering = ["side", "order", "label"]

    def __str__(self):
        return self.label

    @property
    def choice_labels(self):
        return dict(self.choices)

    def format_value(self, value):
        """A measured or target value as French text, with its unit."""
        if value is None or value == "":
            return "—"
        if self.value_type == ValueType.CHOICE:
            return self.choice_labels.get(value, str(value))
        if self.value_type == ValueType.DECLARATION:
            return "en place" if value else "pas encore en place"
        value = Decimal(str(value))
        places = 0 if value == value.to_integral_value() else (1 if self.unit == "%" else 2)
        text = number_format(round(value, places), decimal_pos=places, force_grouping=True)
        return f"{text} {self.unit}".strip()


class ProgressStatus(models.TextChoices):
    MET = "met", "Atteint"
    ON_TRACK = "on_track", "En bonne voie"
    LATE = "late", "En retard"
    NOT_YET_MEASURABLE = "not_yet_measurable", "Mesurable après le déploiement"
    NO_DATA = "no_data", "Aucune donnée"
    PROPOSED = "proposed", "Proposé, pas encore en vigueur"
    ENDED = "ended", "Plus suivi (adhésion close)"


PROGRESS_BADGES = {
    ProgressStatus.MET: "badge-ok",
    ProgressStatus.ON_TRACK: "badge-info",
    ProgressStatus.LATE: "badge-danger",
    ProgressStatus.NO_DATA: "badge-warn",
}


@dataclass(frozen=True)
class Progress:
    commitment: "Commitment"
    status: str
    measure: Measure | None = None
    expected: Decimal | None = None  # where the straight line stands today

    @property
    def label(self):
        return ProgressStatus(self.status).label

    @property
    def badge(self):
        return PROGRESS_BADGES.get(self.status, "")

    @property
    def value(self):
        return self.measure.value if self.measure else None

    @property
    def value_text(self):
        return self.commitment.kind.format_value(self.value) if self.measure else ""

    @property
    def baseline_text(self):
        baseline = self.commitment.baseline_value
        return self.commitment.kind.format_value(baseline) if baseline is not None else ""

    @property
    def expected_text(self):
        return self.commitment.kind.format_value(self.expected) if self.expected is not None else ""

    @property
    def bar_percent(self):
        """How far along the way to the target, 0-100, for "at least" numeric kinds only (else None)."""
        kind, target = self.commitment.kind, self.commitment.target_value
        value = self.value
        if kind.value_type != ValueType.NUMBER or kind.direction != Direction.AT_LEAST or value is None:
            return None
        if not target:
            return 100
        return max(0, min(100, round(100 * Decimal(str(value)) / target)))


class CommitmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(signature__in=Signature.objects.visible_to(user))


class Commitment(Versioned):
    """A typed, dated target an organisation sets on its adhesion ("100 % des logements de Trois Cités
    équipés d'une box au 31/12/2027"). A proposal until the adhesion is signed, then in force: from
    then on it never changes, and its value at that date is kept (`baseline_value`, computed)."""

    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="commitments")
    kind = models.ForeignKey(CommitmentKind, on_delete=models.PROTECT, related_name="commitments", verbose_name="type")
    qpv = models.ForeignKey(
        Qpv, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="quartier prioritaire"
    )
    residence = models.ForeignKey(
        Residence, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="résidence"
    )
    target_value = models.DecimalField("cible", max_digits=12, decimal_places=2, null=True, blank=True)
    target_choice = models.CharField("cible", max_length=40, blank=True)
    details = models.CharField("précisions", max_length=300, blank=True)
    due_date = models.DateField("échéance")
    starts_on = models.DateField("en vigueur depuis le", null=True, blank=True)
    baseline_value = models.DecimalField(
        "valeur à l'entrée en vigueur", max_digits=14, decimal_places=4, null=True, blank=True
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies", verbose_name="repris de"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = "engagement"
        verbose_name_plural = "engagements"
        ordering = ["kind__order", "qpv__code", "residence__name", "due_date", "pk"]

    def __str__(self):
        return f"{self.kind} : {self.target_text}"

    @property
    def in_force(self):
        return self.starts_on is not None

    @property
    def is_editable(self):
        """Proposals may change; a commitment in force is a promise and stays as signed."""
        return not self.in_force

    @property
    def scope_text(self):
        if self.qpv_id:
            return str(self.qpv)
        if self.residence_id:
            return str(self.residence)
        return ""

    @property
    def target_text(self):
        kind = self.kind
        if kind.value_type == ValueType.NUMBER:
            target = f"{kind.get_direction_display()} {kind.format_value(self.target_value)}"
        elif kind.value_type == ValueType.CHOICE:
            target = kind.format_value(self.target_choice)
        else:
            target = self.details
        return f"{target} au {self.due_date:%d/%m/%Y}"

    def activate(self, *, on):
        """Comes into force on `on`: keep its value on that day, measured from live data (or None)."""
        self.starts_on = on
        measured = measure_of(self, day=on)
        value = measured.value if measured else None
        self.baseline_value = Decimal(str(value)) if isinstance(value, int | float | Decimal) else None

    def copy_as_proposal(self, *, to, by):
        return Commitment.objects.create(
            signature=to,
            kind_id=self.kind_id,
            qpv_id=self.qpv_id,
            residence_id=self.residence_id,
            target_value=self.target_value,
            target_choice=self.target_choice,
            details=self.details,
            due_date=self.due_date,
            copied_from=self,
            created_by=by,
        )

    def progress(self, measure, today=None):
        """Where this commitment stands, given its current `measure` (see charter/measures.py).

        Met when the target is reached. Otherwise, before its date, on track when the value is at or
        beyond the straight line drawn from its value when it came into force to the target at its
        date; late below that line, or once the date has passed. Without a value at signature, no line
        can be drawn: on track until the date.
        """
        state = self.signature.state
        if state == Signature.State.INVITED or not self.in_force:
            return Progress(self, ProgressStatus.PROPOSED, measure)
        if state != Signature.State.SIGNED:
            return Progress(self, ProgressStatus.ENDED, measure)
        if measure is None:
            return Progress(self, ProgressStatus.NOT_YET_MEASURABLE)
        if measure.value is None:
            return Progress(self, ProgressStatus.NO_DATA, measure)
        today = today or timezone.localdate()
        kind = self.kind
        if kind.value_type == ValueType.NUMBER:
            return self._numeric_progress(measure, today)
        reached = measure.value == self.target_choice if kind.value_type == ValueType.CHOICE else bool(measure.value)
        if reached:
            return Progress(self, ProgressStatus.MET, measure)
        return Progress(self, ProgressStatus.LATE if today >= self.due_date else ProgressStatus.ON_TRACK, measure)

    def _numeric_progress(self, measure, today):
        value, target = Decimal(str(measure.value)), self.target_value
        at_least = self.kind.direction == Direction.AT_LEAST

        def beyond(a, b):
            return a >= b if at_least else a <= b

        if beyond(value, target):
            return Progress(self, ProgressStatus.MET, measure)
        if today >= self.due_date:
            return Progress(self, ProgressStatus.LATE, measure, target)
        expected = straight_line(self.baseline_value, target, self.starts_on, self.due_date, today)
        if expected is None:
            return Progress(self, ProgressStatus.ON_TRACK, measure)
        status = ProgressStatus.ON_TRACK if beyond(value, expected) else ProgressStatus.LATE
        return Progress(self, status, measure, expected)


def straight_line(start_value, target, start, due, today):
    """The value expected on `today` on the straight line from (start, start_value) to (due, target)."""
    if start_value is None or start is None or due <= start:
        return None
    elapsed = max(0, min((today - start).days, (due - start).days))
    return start_value + (target - start_value) * Decimal(elapsed) / Decimal((due - start).days)
