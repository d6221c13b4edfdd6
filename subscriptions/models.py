"""Internet in the rental charges, dwelling by dwelling (domain.md §4).

- LegalBasis: why a residence's tenants may be charged at all: a collective agreement (signed by
  tenant associations, or a landlord proposal approved by the tenants' vote, whose arithmetic is
  checked against ConsultationRule) or individual opt-in (LeaseOptIn, lease by lease).
- Subscription: one dwelling under one operator contract. Its status is derived from dated
  SubscriptionEvent rows (planned → installed → active ⇄ suspended → terminated); an operator's
  report (OperatorReport) adds events in bulk, and its "installed" also records the box in the
  housing stock (leases.EquipmentEvent), unless the landlord contests the line.
- Incident: an outage on a subscription, reported then resolved; repair delays per contract.
- ChargeSetting (the landlord's share, the allocation key, per residence and from a month),
  OperatorInvoice (the actual cost) and Regularisation (the yearly statement per lease) carry the
  money; the arithmetic lives in charges.py.

Who depends on this: the charter's measures (registrations.py), tfpb through valuation.py, and
monitoring, which charts active subscriptions per QPV and month from SubscriptionEvent
(`Subscription.objects.active_on(day)`).
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description
from django_fsm_log.models import StateLog

from accounts.models import Organization, is_member, territory_of
from leases.models import EquipmentEvent, Lease, Lodging, Residence
from operators.models import Contract

CENT = Decimal("0.01")


def money(value):
    """Half-up to the cent (the rounding of every monthly line)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def first_of_month(day):
    return day.replace(day=1)


def may_edit(user, organization_id):
    """Admin or member of the organisation (a viewer only reads)."""
    return bool(getattr(user, "is_authenticated", False)) and user.can_edit_for(organization_id)


def log_creation(obj, *, by, state, description=None):
    """An object born in a state gets its first "Historique" line (django-fsm-log logs transitions only)."""
    StateLog.objects.create(
        content_object=obj, source_state=None, state=state, transition="create", by=by, description=description
    )


def percent_text(value, places=1):
    return f"{number_format(round(Decimal(value), places), decimal_pos=places)} %"


# ---------------------------------------------------------------------------------------------
# Legal basis


class ConsultationRuleQuerySet(models.QuerySet):
    def in_force(self, day):
        return (
            self.filter(valid_from__lte=day)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
            .order_by("-valid_from")
            .first()
        )


class VoteOutcome(models.TextChoices):
    CARRIED = "carried", "Approuvé"
    QUORUM_MISSED = "quorum_missed", "Participation insuffisante : seconde consultation"
    REJECTED = "rejected", "Rejeté"


class ConsultationRule(models.Model):
    """The figures of the tenants' written consultation on a landlord's proposal of collective
    agreement (art. 42 of loi n° 86-1290 of 23 December 1986, domain.md §4): approved by the
    majority of the tenants who answered, provided at least 25 % of the households consulted took
    part; otherwise a second consultation decides by the majority of those who answered.

    Figures as data, seeded by migration 0002, marked to check on Légifrance. The application
    checks the arithmetic of a vote; it does not certify the legality of the agreement.
    """

    label = models.CharField("libellé", max_length=200)
    valid_from = models.DateField("en vigueur du")
    valid_until = models.DateField("jusqu'au", null=True, blank=True)
    quorum_percent = models.DecimalField(
        "participation minimale à la première consultation (% des foyers consultés)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    majority_percent = models.DecimalField(
        "majorité requise (les voix pour doivent dépasser ce % des réponses)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    second_round_quorum_percent = models.DecimalField(
        "participation minimale à la seconde consultation (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    to_check = models.BooleanField("à vérifier", default=True)
    source = models.TextField("sources et remarques", blank=True)

    objects = ConsultationRuleQuerySet.as_manager()

    class Meta:
        verbose_name = "règle de consultation des locataires"
        verbose_name_plural = "règles de consultation des locataires"
        ordering = ["-valid_from"]

    def __str__(self):
        return self.label

    def judge(self, *, round, consulted, votes_for, votes_against):
        """(outcome, reason in French) of a written consultation, from its figures.

        Round 1: the proposal carries when the answers reach the quorum and the votes for exceed
        the majority of the answers; below the quorum, a second consultation is needed. Round 2:
        the majority of the answers decides (its own quorum, 0 % by default).
        """
        answered = votes_for + votes_against
        if consulted <= 0:
            raise ValidationError("Indiquez le nombre de foyers consultés.")
        if answered > consulted:
            raise ValidationError(
                f"{answered} réponses pour {consulted} foyers consultés : il ne peut pas y avoir plus de réponses "
                "que de foyers consultés."
            )
        participation = Decimal(100 * answered) / Decimal(consulted)
        quorum = self.quorum_percent if round == 1 else self.second_round_quorum_percent
        turnout = (
            f"participation de {percent_text(participation)} ({answered} réponse{'s' if answered > 1 else ''} "
            f"sur {consulted} foyers consultés)"
        )
        if answered == 0 or participation < quorum:
            if round == 1:
                return (
                    VoteOutcome.QUORUM_MISSED,
                    f"Quorum non atteint : {turnout}, sous le seuil de {percent_text(quorum, 0)}. "
                    "Une seconde consultation décidera à la majorité des locataires qui répondront.",
                )
            return VoteOutcome.REJECTED, f"Rejeté : {turnout}, sous le seuil de {percent_text(quorum, 0)}."
        share_for = Decimal(100 * votes_for) / Decimal(answered)
        votes = f"{votes_for} voix pour et {votes_against} contre, soit {percent_text(share_for)} des réponses"
        if share_for > self.majority_percent:
            return VoteOutcome.CARRIED, f"Approuvé : {votes} ; {turnout}."
        return (
            VoteOutcome.REJECTED,
            f"Rejeté : {votes}, sans la majorité requise (plus de {percent_text(self.majority_percent, 0)} "
            f"des réponses) ; {turnout}.",
        )


class BasisKind(models.TextChoices):
    """The two legal routes to charge internet to tenants (domain.md §4). The codes are those of the
    charter's `legal_basis` commitment kind (charter/kinds.py), measured from here."""

    COLLECTIVE_AGREEMENT = "collective_agreement", "Accord collectif (art. 42 de la loi n° 86-1290)"
    INDIVIDUAL_OPT_IN = "individual_opt_in", "Adhésion individuelle de chaque locataire"


class AgreementRoute(models.TextChoices):
    ASSOCIATIONS = "associations", "Signé par les associations de locataires"
    TENANT_VOTE = "tenant_vote", "Proposé par le bailleur et approuvé par les locataires consultés"


class LegalBasisQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The landlord's members; city and State staff where the residence lies (read-only)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(Q(is_member(user, "residence__landlord")) | Q(residence__commune__in=territory_of(user)))

    def covering(self):
        """Bases under which charges were or are allowed (an ended basis still covers its period)."""
        return self.filter(state__in=[LegalBasis.State.IN_FORCE, LegalBasis.State.ENDED], effective_from__isnull=False)

    def in_force_on(self, day):
        return self.covering().filter(effective_from__lte=day).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))

    def open(self):
        return self.filter(state__in=LegalBasis.OPEN_STATES)


def is_landlord_editor(basis, user):
    return may_edit(user, basis.residence.landlord_id)


class LegalBasis(ConcurrentTransitionMixin, models.Model):
    """What allows a residence's tenants to be charged for internet; nothing is charged without it."""

    class State(models.TextChoices):
        """An agreement signed by tenant associations, or individual opt-in, is in force once recorded.
        A landlord proposal is first put to the tenants (consulting); their vote carries it (in force),
        rejects it, or misses the quorum (second round, decided by the majority of those who answer).
        A basis in force may end (replaced, denounced); it still covers the months it was in force."""

        CONSULTING = "consulting", "Consultation des locataires en cours"
        SECOND_ROUND = "second_round", "Seconde consultation en cours"
        IN_FORCE = "in_force", "En vigueur"
        REJECTED = "rejected", "Rejeté par les locataires"
        ENDED = "ended", "Terminé"

    OPEN_STATES = (State.CONSULTING, State.SECOND_ROUND, State.IN_FORCE)

    residence = models.ForeignKey(
        Residence, on_delete=models.PROTECT, related_name="legal_bases", verbose_name="résidence"
    )
    kind = models.CharField("base juridique", max_length=24, choices=BasisKind.choices)
    route = models.CharField("origine de l'accord", max_length=16, choices=AgreementRoute.choices, blank=True)
    state = FSMField("état", choices=State.choices, default=State.IN_FORCE, protected=True)
    effective_from = models.DateField("refacturation possible à partir du", null=True, blank=True)
    ended_on = models.DateField("terminé le", null=True, blank=True)
    end_reason = models.CharField("motif de la fin", max_length=300, blank=True)
    # A collective agreement signed by tenant associations.
    signed_on = models.DateField("accord signé le", null=True, blank=True)
    associations = models.CharField("associations de locataires signataires", max_length=300, blank=True)
    # A landlord proposal put to the tenants' vote: what the letter says.
    proposed_charge = models.DecimalField(
        "montant mensuel proposé aux locataires (TTC)", max_digits=8, decimal_places=2, null=True, blank=True
    )
    answer_by = models.DateField("réponses attendues au plus tard le", null=True, blank=True)
    rule = models.ForeignKey(
        ConsultationRule, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="règle"
    )
    outcome_reason = models.TextField("résultat expliqué", blank=True)
    created_at = models.DateTimeField("enregistré le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = LegalBasisQuerySet.as_manager()

    class Meta:
        verbose_name = "base juridique de la refacturation"
        verbose_name_plural = "bases juridiques de la refacturation"
        ordering = ["residence", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["residence"],
                condition=Q(state__in=["consulting", "second_round", "in_force"]),
                name="one_open_legal_basis_per_residence",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.residence}"

    def get_absolute_url(self):
        return reverse("subscriptions:residence_detail", args=[self.residence_id])

    @property
    def is_vote(self):
        return self.route == AgreementRoute.TENANT_VOTE

    @property
    def is_opt_in(self):
        return self.kind == BasisKind.INDIVIDUAL_OPT_IN

    @property
    def current_round(self):
        return 2 if self.state == self.State.SECOND_ROUND else 1

    @property
    def badge(self):
        return {
            self.State.IN_FORCE: "badge-ok",
            self.State.CONSULTING: "badge-info",
            self.State.SECOND_ROUND: "badge-warn",
            self.State.REJECTED: "badge-danger",
        }.get(self.state, "")

    def covers(self, day):
        return (
            self.state in (self.State.IN_FORCE, self.State.ENDED)
            and self.effective_from is not None
            and self.effective_from <= day
            and (self.ended_on is None or day <= self.ended_on)
        )

    @classmethod
    def open_for(cls, residence):
        return cls.objects.open().filter(residence=residence).first()

    @classmethod
    def check_none_open(cls, residence):
        current = cls.open_for(residence)
        if current is not None:
            raise ValidationError(
                f"La résidence a déjà une base juridique : « {current.get_kind_display()} » "
                f"({current.get_state_display().lower()}). Terminez-la avant d'en enregistrer une autre."
            )

    @classmethod
    def record_agreement(cls, *, residence, signed_on, associations, effective_from, by):
        """A collective agreement signed by tenant associations: in force once recorded."""
        cls.check_none_open(residence)
        if effective_from < signed_on:
            raise ValidationError("La refacturation ne peut pas commencer avant la signature de l'accord.")
        basis = cls.objects.create(
            residence=residence,
            kind=BasisKind.COLLECTIVE_AGREEMENT,
            route=AgreementRoute.ASSOCIATIONS,
            state=cls.State.IN_FORCE,
            signed_on=signed_on,
            associations=associations.strip(),
            effective_from=effective_from,
            created_by=by,
        )
        log_creation(basis, by=by, state=cls.State.IN_FORCE, description=f"Accord signé le {signed_on:%d/%m/%Y}")
        return basis

    @classmethod
    def start_consultation(cls, *, residence, proposed_charge, answer_by, by):
        """The landlord puts its proposal of collective agreement to the tenants' written vote."""
        cls.check_none_open(residence)
        rule = ConsultationRule.objects.in_force(timezone.localdate())
        if rule is None:
            raise ValidationError("Aucune règle de consultation n'est en vigueur : prévenez l'administrateur.")
        basis = cls.objects.create(
            residence=residence,
            kind=BasisKind.COLLECTIVE_AGREEMENT,
            route=AgreementRoute.TENANT_VOTE,
            state=cls.State.CONSULTING,
            proposed_charge=proposed_charge,
            answer_by=answer_by,
            rule=rule,
            created_by=by,
        )
        log_creation(basis, by=by, state=cls.State.CONSULTING)
        return basis

    @classmethod
    def adopt_opt_in(cls, *, residence, effective_from, by):
        """Individual opt-in: only the leases whose tenant agreed (LeaseOptIn) are charged."""
        cls.check_none_open(residence)
        basis = cls.objects.create(
            residence=residence,
            kind=BasisKind.INDIVIDUAL_OPT_IN,
            state=cls.State.IN_FORCE,
            effective_from=effective_from,
            created_by=by,
        )
        log_creation(basis, by=by, state=cls.State.IN_FORCE)
        return basis

    # Transitions (run by accounts.transitions.run_transition in the views).

    @fsm_log_by
    @fsm_log_description(allow_inline=True)
    @transition(
        field=state,
        source=[State.CONSULTING, State.SECOND_ROUND],
        target=RETURN_VALUE(State.IN_FORCE, State.SECOND_ROUND, State.REJECTED),
        permission=is_landlord_editor,
        custom={"label": "Enregistrer le résultat du vote", "url_name": "subscriptions:basis_vote", "form": True},
    )
    def record_vote(self, *, by, held_on, consulted, votes_for, votes_against, next_answer_by=None, description=None):
        """Record the count of the current consultation; the rule decides, and the reason is kept."""
        round = self.current_round
        rule = self.rule or ConsultationRule.objects.in_force(held_on)
        if held_on > timezone.localdate():
            raise ValidationError("La date du dépouillement ne peut pas être dans le futur.")
        outcome, reason = rule.judge(round=round, consulted=consulted, votes_for=votes_for, votes_against=votes_against)
        TenantVote.objects.create(
            basis=self,
            round=round,
            held_on=held_on,
            households_consulted=consulted,
            votes_for=votes_for,
            votes_against=votes_against,
            outcome=outcome,
            reason=reason,
            recorded_by=by,
        )
        self.outcome_reason = reason
        if description is not None:
            description.set(reason[:250])
        if outcome == VoteOutcome.CARRIED:
            self.effective_from = held_on
            return self.State.IN_FORCE
        if outcome == VoteOutcome.QUORUM_MISSED:
            self.answer_by = next_answer_by
            return self.State.SECOND_ROUND
        return self.State.REJECTED

    @fsm_log_by
    @fsm_log_description(allow_inline=True)
    @transition(
        field=state,
        source=State.IN_FORCE,
        target=State.ENDED,
        permission=is_landlord_editor,
        custom={"label": "Mettre fin", "url_name": "subscriptions:basis_end", "form": True, "danger": True},
    )
    def end(self, *, by, on, reason, description=None):
        if not reason.strip():
            raise ValidationError("Indiquez pourquoi cette base juridique prend fin.")
        if on < self.effective_from:
            raise ValidationError("La fin ne peut pas précéder le début de la refacturation.")
        self.ended_on = on
        self.end_reason = reason.strip()
        if description is not None:
            description.set(reason[:250])

    @fsm_log_by
    @fsm_log_description(allow_inline=True)
    @transition(
        field=state,
        source=[State.CONSULTING, State.SECOND_ROUND],
        target=State.ENDED,
        permission=is_landlord_editor,
        custom={"label": "Abandonner la consultation", "url_name": "subscriptions:basis_abandon", "danger": True},
    )
    def abandon(self, *, by, description=None):
        """The landlord withdraws its proposal before the count."""
        self.ended_on = timezone.localdate()
        self.end_reason = "Consultation abandonnée par le bailleur."
        if description is not None:
            description.set(self.end_reason)


class TenantVote(models.Model):
    """The count of one written consultation of the tenants on a landlord's proposal."""

    basis = models.ForeignKey(LegalBasis, on_delete=models.CASCADE, related_name="votes")
    round = models.PositiveSmallIntegerField("consultation n°")
    held_on = models.DateField("dépouillement le")
    households_consulted = models.PositiveIntegerField("foyers consultés")
    votes_for = models.PositiveIntegerField("voix pour")
    votes_against = models.PositiveIntegerField("voix contre")
    outcome = models.CharField("résultat", max_length=16, choices=VoteOutcome.choices)
    reason = models.TextField("résultat expliqué")
    recorded_at = models.DateTimeField("enregistré le", default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "vote des locataires"
        verbose_name_plural = "votes des locataires"
        ordering = ["basis", "round"]
        constraints = [models.UniqueConstraint(fields=["basis", "round"], name="one_vote_per_round")]

    def __str__(self):
        return f"Consultation n° {self.round} du {self.held_on:%d/%m/%Y} : {self.get_outcome_display()}"

    @property
    def answered(self):
        return self.votes_for + self.votes_against

    @property
    def participation(self):
        return Decimal(100 * self.answered) / Decimal(self.households_consulted) if self.households_consulted else None


class LeaseOptInQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Lease references are personal data: the landlord's members only."""
        return self.filter(lease__in=Lease.objects.visible_to(user))

    def current(self):
        return self.filter(opted_out_on__isnull=True)


class LeaseOptIn(models.Model):
    """A tenant agreed to be connected and to pay its share (individual opt-in, Cass. 3e civ.,
    29 January 2002, n° 99-17042): only such leases are charged under an opt-in basis."""

    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="internet_opt_ins")
    opted_in_on = models.DateField("adhésion le")
    opted_out_on = models.DateField("renonciation le", null=True, blank=True)
    recorded_at = models.DateTimeField("enregistré le", default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = LeaseOptInQuerySet.as_manager()

    class Meta:
        verbose_name = "adhésion individuelle"
        verbose_name_plural = "adhésions individuelles"
        ordering = ["lease", "-opted_in_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["lease"], condition=Q(opted_out_on__isnull=True), name="one_current_opt_in_per_lease"
            ),
            models.CheckConstraint(
                condition=Q(opted_out_on__isnull=True) | Q(opted_out_on__gte=models.F("opted_in_on")),
                name="opt_out_after_opt_in",
            ),
        ]

    def __str__(self):
        return f"{self.lease} : adhésion du {self.opted_in_on:%d/%m/%Y}"


# ---------------------------------------------------------------------------------------------
# Money settings


class AllocationKey(models.TextChoices):
    """How the operator's invoice is shared: first between the contract's residences in proportion to
    their days of active subscription, then inside the residence by its key."""

    PER_DWELLING = "per_dwelling", "À parts égales entre les logements abonnés, au prorata des jours d'abonnement"
    LIVING_AREA = "living_area", "Au prorata de la surface habitable des logements abonnés et des jours d'abonnement"


class ChargeSettingQuerySet(models.QuerySet):
    def for_month(self, residence, month):
        return self.filter(residence=residence, valid_from__lte=first_of_month(month)).order_by("-valid_from").first()


class ChargeSetting(models.Model):
    """The landlord's share of the subscription cost in a residence, from a given month on.

    The tenant's monthly charge is the contract's unit price (TTC) less this share, rounded half-up
    to the cent, and never above the ceiling the landlord committed to in the charter (charges.py).
    A residence without a setting is not charged (the landlord bears the whole cost).
    """

    residence = models.ForeignKey(Residence, on_delete=models.CASCADE, related_name="charge_settings")
    valid_from = models.DateField("à partir du mois de")
    landlord_share_percent = models.DecimalField(
        "part prise en charge par le bailleur (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    allocation_key = models.CharField(
        "clé de répartition du coût réel",
        max_length=16,
        choices=AllocationKey.choices,
        default=AllocationKey.PER_DWELLING,
    )
    created_at = models.DateTimeField("enregistré le", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ChargeSettingQuerySet.as_manager()

    class Meta:
        verbose_name = "paramètre de refacturation"
        verbose_name_plural = "paramètres de refacturation"
        ordering = ["residence", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["residence", "valid_from"], name="one_charge_setting_per_month"),
            models.CheckConstraint(condition=Q(valid_from__day=1), name="charge_setting_from_first_of_month"),
        ]

    def __str__(self):
        return f"{self.residence} : part du bailleur {self.landlord_share_percent} % dès {self.valid_from:%m/%Y}"

    def tenant_amount(self, unit_price_ttc):
        """The full-month amount a tenant pays for a contract priced `unit_price_ttc` (before the ceiling)."""
        return money(unit_price_ttc * (100 - self.landlord_share_percent) / 100)


# ---------------------------------------------------------------------------------------------
# Subscriptions


class SubscriptionStatus(models.TextChoices):
    """planned (the rollout put the dwelling in the contract's plan) → installed (box delivered,
    outlet working) → active (service on) ⇄ suspended (a reason is given) → terminated."""

    PLANNED = "planned", "Prévu"
    INSTALLED = "installed", "Installé"
    ACTIVE = "active", "Actif"
    SUSPENDED = "suspended", "Suspendu"
    TERMINATED = "terminated", "Résilié"


# Where a subscription may go from each status (a report may skip "installed": the box went in and
# the service opened the same day).
_S = SubscriptionStatus
NEXT_STATUSES = {
    _S.PLANNED: {_S.INSTALLED, _S.ACTIVE, _S.TERMINATED},
    _S.INSTALLED: {_S.ACTIVE, _S.SUSPENDED, _S.TERMINATED},
    _S.ACTIVE: {_S.SUSPENDED, _S.TERMINATED},
    _S.SUSPENDED: {_S.ACTIVE, _S.TERMINATED},
    _S.TERMINATED: set(),
}
# Statuses that mean a box is in the dwelling: reaching one of them from "planned" records it in the stock.
WITH_BOX = {_S.INSTALLED, _S.ACTIVE}
FUNNEL = [_S.PLANNED, _S.INSTALLED, _S.ACTIVE, _S.SUSPENDED]
STATUS_BADGES = {
    SubscriptionStatus.ACTIVE: "badge-ok",
    SubscriptionStatus.INSTALLED: "badge-info",
    SubscriptionStatus.SUSPENDED: "badge-warn",
    SubscriptionStatus.TERMINATED: "badge-danger",
}


def status_change_error(*, current, since, new, day, contract, today=None):
    """Why `new` on `day` cannot follow `current` (in force since `since`): ("status" or "date", French
    reason), or None when it can. The one rule for a single status (Subscription.record) and for a
    report's lines (reports.py)."""
    today = today or timezone.localdate()
    if current == SubscriptionStatus.TERMINATED:
        return "status", "l'abonnement est résilié : plus aucun statut ne peut suivre"
    if new not in NEXT_STATUSES[current]:
        return (
            "status",
            f"passage impossible de « {SubscriptionStatus(current).label} » à « {SubscriptionStatus(new).label} »",
        )
    if day > today:
        return "date", "la date d'effet ne peut pas être dans le futur"
    if contract.start and day < contract.start:
        return "date", f"la date d'effet précède le début du marché ({contract.start:%d/%m/%Y})"
    if contract.end and day > contract.end:
        return "date", f"la date d'effet suit la fin du marché ({contract.end:%d/%m/%Y})"
    if since and day < since:
        return "date", f"la date d'effet précède celle du statut actuel ({since:%d/%m/%Y})"
    return None


class EventSource(models.TextChoices):
    ROLLOUT = "rollout", "Lancement du déploiement"
    OPERATOR_REPORT = "operator_report", "Rapport de l'opérateur"
    OPERATOR = "operator", "Opérateur"
    LANDLORD = "landlord", "Bailleur"
    SYSTEM = "system", "Fin du marché"


class Rollout(models.Model):
    """One start of a contract's rollout: the planned subscriptions it created, in bulk (a batch record)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="rollouts")
    effective_date = models.DateField("date d'effet")
    started_at = models.DateTimeField("lancé le", default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_count = models.PositiveIntegerField("abonnements prévus", default=0)
    skipped_count = models.PositiveIntegerField("logements déjà couverts par un autre marché", default=0)

    class Meta:
        verbose_name = "lancement du déploiement"
        verbose_name_plural = "lancements du déploiement"
        ordering = ["-started_at"]

    def __str__(self):
        return f"Déploiement de {self.contract} du {self.effective_date:%d/%m/%Y}"


def contract_q(user, prefix="contract__"):
    """Q: the user is a member of the contract's landlord or operator."""
    return Q(is_member(user, f"{prefix}landlord")) | Q(is_member(user, f"{prefix}operator"))


class SubscriptionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The contract's landlord and operator; city and State staff where the dwelling lies."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        condition = contract_q(user)
        if user.has_territory:
            condition |= Q(lodging__commune__in=territory_of(user))
        return self.filter(condition)

    def live(self):
        return self.exclude(status=SubscriptionStatus.TERMINATED)

    def funnel(self):
        """{status: count} over the queryset, in one query."""
        counts = dict.fromkeys(SubscriptionStatus.values, 0)
        for row in self.values("status").annotate(n=models.Count("pk")).order_by():
            counts[row["status"]] = row["n"]
        return counts

    def status_on(self, day):
        """Annotate `status_then`: the status on `day`, replayed from the uncontested events."""
        latest = (
            SubscriptionEvent.objects.effective()
            .filter(subscription=OuterRef("pk"), effective_date__lte=day)
            .order_by("-effective_date", "-recorded_at", "-pk")
            .values("status")[:1]
        )
        return self.annotate(status_then=Subquery(latest))

    def active_on(self, day):
        """Subscriptions whose service was on at `day` (monitoring charts them per QPV and month)."""
        return self.status_on(day).filter(status_then=SubscriptionStatus.ACTIVE)

    def refresh_status(self):
        """Recompute status, status_date and box serial from the effective events, in three UPDATEs."""
        latest = (
            SubscriptionEvent.objects.effective()
            .filter(subscription=OuterRef("pk"))
            .order_by("-effective_date", "-recorded_at", "-pk")
        )
        serial = (
            SubscriptionEvent.objects.effective()
            .filter(subscription=OuterRef("pk"))
            .exclude(box_serial="")
            .order_by("-effective_date", "-recorded_at", "-pk")
        )
        self.update(
            status=Coalesce(Subquery(latest.values("status")[:1]), Value(SubscriptionStatus.PLANNED)),
            status_date=Subquery(latest.values("effective_date")[:1]),
            box_serial=Coalesce(Subquery(serial.values("box_serial")[:1]), Value("")),
        )


class Subscription(models.Model):
    """One dwelling's internet subscription under one operator contract.

    `status`, `status_date` and `box_serial` are derived from the effective (uncontested) events,
    kept here so that lists and funnels count without replaying history; only refresh_status()
    writes them, in the events' transaction.
    """

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="subscriptions")
    lodging = models.ForeignKey(Lodging, on_delete=models.PROTECT, related_name="subscriptions")
    rollout = models.ForeignKey(Rollout, on_delete=models.SET_NULL, null=True, blank=True, related_name="subscriptions")
    status = models.CharField(
        "statut", max_length=12, choices=SubscriptionStatus.choices, default=SubscriptionStatus.PLANNED
    )
    status_date = models.DateField("depuis le", null=True, blank=True)
    box_serial = models.CharField("numéro de série de la box", max_length=40, blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = "abonnement"
        verbose_name_plural = "abonnements"
        ordering = ["contract", "lodging"]
        constraints = [models.UniqueConstraint(fields=["contract", "lodging"], name="one_subscription_per_contract")]
        indexes = [
            models.Index(fields=["contract", "status"], name="subscription_contract_status"),
            models.Index(fields=["lodging", "status"], name="subscription_lodging_status"),
        ]

    def __str__(self):
        return f"Abonnement {self.lodging.rpls_id} ({self.get_status_display()})"

    def get_absolute_url(self):
        return self.lodging.get_absolute_url()

    @property
    def badge(self):
        return STATUS_BADGES.get(self.status, "")

    def refresh_status(self):
        type(self).objects.filter(pk=self.pk).refresh_status()
        self.refresh_from_db(fields=["status", "status_date", "box_serial"])

    def record(self, *, status, effective_date, by, source, reason="", box_serial=""):
        """A dated status recorded by hand (the landlord, or the operator outside a report).

        Reaching "installed" or "active" from "planned" also records the box in the housing stock.
        Caller holds the transaction (and the row lock).
        """
        if status == self.status:
            raise ValidationError(f"Ce logement est déjà « {self.get_status_display()} ».")
        error = status_change_error(
            current=self.status, since=self.status_date, new=status, day=effective_date, contract=self.contract
        )
        if error:
            message = error[1]
            raise ValidationError(message[0].upper() + message[1:] + ".")
        if status == SubscriptionStatus.SUSPENDED and not reason.strip():
            raise ValidationError("Indiquez le motif de la suspension.")
        equipment = None
        if self.status == SubscriptionStatus.PLANNED and status in WITH_BOX:
            from leases.models import EquipmentStatus
            from leases.models import EventSource as StockSource

            equipment = self.lodging.record_equipment(
                status=EquipmentStatus.BOX,
                effective_date=effective_date,
                by=by,
                source=StockSource.LANDLORD if source == EventSource.LANDLORD else StockSource.OPERATOR,
            )
        event = SubscriptionEvent.objects.create(
            subscription=self,
            status=status,
            effective_date=effective_date,
            recorded_by=by,
            source=source,
            reason=reason.strip(),
            box_serial=box_serial.strip(),
            equipment_event=equipment,
        )
        self.refresh_status()
        return event


class SubscriptionEventQuerySet(models.QuerySet):
    def effective(self):
        """Events that count: a landlord may contest an operator's line."""
        return self.filter(contested_at__isnull=True)

    def visible_to(self, user):
        return self.filter(subscription__in=Subscription.objects.visible_to(user))


class SubscriptionEvent(models.Model):
    """A dated fact about one subscription (style.md: effective date, recorded at, by, source)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="events")
    status = models.CharField("statut", max_length=12, choices=SubscriptionStatus.choices)
    effective_date = models.DateField("date d'effet")
    recorded_at = models.DateTimeField("enregistré le", default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField("source", max_length=16, choices=EventSource.choices)
    report = models.ForeignKey("OperatorReport", on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    line = models.PositiveIntegerField("ligne du rapport", null=True, blank=True)
    reason = models.CharField("motif", max_length=300, blank=True)
    box_serial = models.CharField("numéro de série de la box", max_length=40, blank=True)
    # The box this event recorded in the housing stock (an operator's "installed"): contested with it.
    equipment_event = models.OneToOneField(
        EquipmentEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="subscription_event"
    )
    contested_at = models.DateTimeField("contesté le", null=True, blank=True)
    contested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contest_reason = models.CharField("motif de la contestation", max_length=300, blank=True)

    objects = SubscriptionEventQuerySet.as_manager()

    class Meta:
        verbose_name = "événement d'abonnement"
        verbose_name_plural = "événements d'abonnement"
        ordering = ["-effective_date", "-recorded_at", "-pk"]
        indexes = [
            models.Index(fields=["subscription", "effective_date"], name="subscription_event_date"),
            models.Index(fields=["report", "line"], name="subscription_event_report"),
        ]

    def __str__(self):
        return f"{self.get_status_display()} au {self.effective_date:%d/%m/%Y}"

    @property
    def is_contested(self):
        return self.contested_at is not None

    @property
    def is_contestable(self):
        """What the operator said (a report line, or a status it recorded) may be contested by the landlord."""
        return self.source in (EventSource.OPERATOR_REPORT, EventSource.OPERATOR) and not self.is_contested

    def contest(self, *, by, reason):
        """The landlord disputes this line: it no longer counts, and neither does the box it put in the
        stock; the subscription's status and the dwelling's equipment are recomputed. Caller holds the
        transaction."""
        if not self.is_contestable:
            raise ValidationError("Cette ligne est déjà contestée, ou elle ne vient pas de l'opérateur.")
        if not reason.strip():
            raise ValidationError("Indiquez le motif de la contestation.")
        now = timezone.now()
        self.contested_at, self.contested_by, self.contest_reason = now, by, reason.strip()[:300]
        self.save(update_fields=["contested_at", "contested_by", "contest_reason"])
        if self.equipment_event_id:
            EquipmentEvent.objects.filter(pk=self.equipment_event_id).update(
                contested_at=now, contested_by=by, contest_reason=self.contest_reason
            )
            self.subscription.lodging.refresh_equipment()
        self.subscription.refresh_status()


# ---------------------------------------------------------------------------------------------
# Operator reports


class OperatorReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(contract_q(user))


class OperatorReport(models.Model):
    """One operator's spreadsheet of statuses, applied all or nothing (a batch record; a refused file
    writes nothing and leaves no record). Its changes are the events it created."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="reports")
    file_name = models.CharField("fichier", max_length=255)
    uploaded_at = models.DateTimeField("déposé le", default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    line_count = models.PositiveIntegerField("lignes", default=0)
    changed_count = models.PositiveIntegerField("changements", default=0)
    unchanged_count = models.PositiveIntegerField("lignes sans changement", default=0)
    equipped_count = models.PositiveIntegerField("box enregistrées dans le parc", default=0)

    objects = OperatorReportQuerySet.as_manager()

    class Meta:
        verbose_name = "rapport d'opérateur"
        verbose_name_plural = "rapports d'opérateur"
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"Rapport {self.file_name} du {timezone.localtime(self.uploaded_at):%d/%m/%Y %H:%M}"

    def get_absolute_url(self):
        return reverse("subscriptions:report_detail", args=[self.pk])


# ---------------------------------------------------------------------------------------------
# Incidents


class IncidentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(subscription__in=Subscription.objects.visible_to(user))

    def resolved(self):
        return self.filter(state=Incident.State.RESOLVED)


def is_contract_party(incident, user):
    contract = incident.subscription.contract
    return may_edit(user, contract.landlord_id) or may_edit(user, contract.operator_id)


class Incident(ConcurrentTransitionMixin, models.Model):
    """An outage on a subscribed dwelling, reported by the landlord or the operator, then resolved."""

    class State(models.TextChoices):
        """Reported (service down since `reported_at`), then resolved (back on at `resolved_at`):
        the repair delay is the time between the two."""

        REPORTED = "reported", "Signalée"
        RESOLVED = "resolved", "Résolue"

    class Side(models.TextChoices):
        LANDLORD = "landlord", "Bailleur"
        OPERATOR = "operator", "Opérateur"

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="incidents")
    description = models.TextField("description de la panne")
    reported_at = models.DateTimeField("signalée le")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reporter_side = models.CharField("signalée par", max_length=10, choices=Side.choices)
    state = FSMField("état", choices=State.choices, default=State.REPORTED, protected=True)
    resolved_at = models.DateTimeField("résolue le", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField("intervention", blank=True)
    recorded_at = models.DateTimeField("enregistrée le", default=timezone.now)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = "panne"
        verbose_name_plural = "pannes"
        ordering = ["-reported_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=models.F("reported_at")),
                name="incident_resolved_after_reported",
            )
        ]

    def __str__(self):
        return f"Panne du {timezone.localtime(self.reported_at):%d/%m/%Y %H:%M} — {self.subscription.lodging.rpls_id}"

    def get_absolute_url(self):
        return self.subscription.lodging.get_absolute_url()

    @property
    def repair_hours(self):
        """Hours from report to resolution; for an open incident, the hours elapsed so far."""
        end = self.resolved_at or timezone.now()
        return Decimal((end - self.reported_at).total_seconds() / 3600).quantize(Decimal("0.1"))

    @fsm_log_by
    @transition(
        field=state,
        source=State.REPORTED,
        target=State.RESOLVED,
        permission=is_contract_party,
        custom={"label": "Marquer comme résolue", "url_name": "subscriptions:incident_resolve", "form": True},
    )
    def resolve(self, *, by, resolved_at, resolution=""):
        if resolved_at < self.reported_at:
            raise ValidationError("Le rétablissement ne peut pas précéder le signalement de la panne.")
        if resolved_at > timezone.now():
            raise ValidationError("La date de rétablissement ne peut pas être dans le futur.")
        self.resolved_at = resolved_at
        self.resolved_by = by
        self.resolution = resolution.strip()


# ---------------------------------------------------------------------------------------------
# Actual cost


class OperatorInvoiceQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(contract_q(user))


class OperatorInvoice(models.Model):
    """The operator's invoice for one contract and one month: the actual cost the regularisation shares."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="invoices")
    month = models.DateField("mois facturé")
    reference = models.CharField("numéro de facture", max_length=60)
    amount_ht = models.DecimalField(
        "montant HT", max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    vat_rate = models.DecimalField(
        "taux de TVA (%)", max_digits=4, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    recorded_at = models.DateTimeField("saisie le", default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = OperatorInvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = "facture de l'opérateur"
        verbose_name_plural = "factures de l'opérateur"
        ordering = ["contract", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "month"], name="one_invoice_per_contract_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="invoice_month_first_day"),
        ]

    def __str__(self):
        return f"Facture {self.reference} ({self.month:%m/%Y})"

    @property
    def amount_ttc(self):
        return money(self.amount_ht * (1 + self.vat_rate / 100))


# ---------------------------------------------------------------------------------------------
# Yearly regularisation


class RegularisationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Per-lease figures: the landlord's members only."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(is_member(user, "landlord"))


def is_regularisation_editor(regularisation, user):
    return may_edit(user, regularisation.landlord_id)


class Regularisation(ConcurrentTransitionMixin, models.Model):
    """A landlord's regularisation of the internet charges over a closed period of one year (the
    calendar year, or up to the end of an earlier month: charges are regularised at least once a
    year). Provisions called are compared with the actual cost, lease by lease."""

    class State(models.TextChoices):
        """Computed as a draft (recomputed at will), then sent to the tenants: from then on it is
        frozen, and any later change of the figures is added as correction lines."""

        DRAFT = "draft", "Brouillon"
        SENT = "sent", "Envoyée aux locataires"

    landlord = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="regularisations")
    period_start = models.DateField("du")
    period_end = models.DateField("au")
    state = FSMField("état", choices=State.choices, default=State.DRAFT, protected=True)
    computed_at = models.DateTimeField("calculée le", null=True, blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_on = models.DateField("envoyée le", null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegularisationQuerySet.as_manager()

    class Meta:
        verbose_name = "régularisation des charges"
        verbose_name_plural = "régularisations des charges"
        ordering = ["landlord", "-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["landlord", "period_start"], name="one_regularisation_per_period"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="regularisation_period"),
        ]

    def __str__(self):
        return f"Régularisation {self.period_start:%d/%m/%Y} – {self.period_end:%d/%m/%Y} — {self.landlord}"

    def get_absolute_url(self):
        return reverse("subscriptions:regularisation_detail", args=[self.pk])

    @property
    def year(self):
        return self.period_start.year

    @property
    def is_frozen(self):
        return self.state == self.State.SENT

    @property
    def documents_available_until(self):
        """Supporting documents stay available to tenants six months after the statement is sent."""
        if self.sent_on is None:
            return None
        from operators.models import add_months

        return add_months(self.sent_on, 6)

    @property
    def title(self):
        if self.period_start.month == 1 and self.period_end == datetime.date(self.year, 12, 31):
            return f"Régularisation {self.year}"
        return f"Régularisation du {self.period_start:%d/%m/%Y} au {self.period_end:%d/%m/%Y}"

    def _has_lines(self):
        return self.lines.exists()

    @classmethod
    def period_errors(cls, *, landlord, start, end, today=None):
        """Why this period cannot be regularised now (French), or []: one year at most, months elapsed,
        no overlap with an earlier regularisation of the landlord."""
        today = today or timezone.localdate()
        errors = []
        if end.year != start.year or end < start:
            errors.append("Une régularisation porte sur une seule année civile.")
        if end >= first_of_month(today):
            errors.append(
                f"La période doit être écoulée : elle peut aller au plus jusqu'au "
                f"{first_of_month(today) - datetime.timedelta(days=1):%d/%m/%Y}."
            )
        overlapping = cls.objects.filter(landlord=landlord, period_start__lte=end, period_end__gte=start).first()
        if overlapping:
            errors.append(f"Cette période recoupe la {overlapping.title.lower()} déjà établie.")
        return errors

    @classmethod
    def next_start(cls, landlord, year):
        """The first day not yet regularised in `year`: 1 January, or the day after the last period."""
        last = cls.objects.filter(landlord=landlord, period_end__year=year).order_by("-period_end").first()
        return last.period_end + datetime.timedelta(days=1) if last else datetime.date(year, 1, 1)

    def computed_lines(self):
        """Fresh per-lease figures of the period from the dated facts (charges.py):
        {lease id: (lodging id, residence id, chargeable days, provisions, actual cost, months)}."""
        from .charges import Charges, cents_text, euros

        lodgings = Lodging.objects.filter(landlord_id=self.landlord_id)
        totals = Charges(lodgings, self.period_start, self.period_end).lease_totals()
        texts = {}  # the same monthly detail comes back on thousands of leases

        def text(detail):
            found = texts.get(detail)
            if found is None:
                found = texts[detail] = tuple((k, d, cents_text(p), cents_text(a)) for k, d, p, a in detail)
            return found

        return {
            lease_id: (lodging_id, residence_id, days, euros(provisions), euros(actual), text(detail))
            for lease_id, (lodging_id, residence_id, days, provisions, actual, detail) in totals.items()
            if provisions or actual or days
        }

    def _insert_lines(self, rows):
        """Lines written with leases.bulk (COPY on PostgreSQL): 100,000 leases in a few seconds."""
        from leases.bulk import insert_rows

        return insert_rows(
            RegularisationLine,
            [
                "regularisation",
                "lease",
                "lodging",
                "residence",
                "kind",
                "chargeable_days",
                "provisions",
                "actual_cost",
                "balance",
                "months",
                "created_at",
            ],
            rows,
        )

    def compute(self, *, by):
        """(Re)compute a draft: its lines are replaced by fresh ones. Caller holds the transaction."""
        if self.is_frozen:
            raise ValidationError("Cette régularisation a été envoyée : ajoutez des rectifications.")
        found = self.computed_lines()
        self.lines.all().delete()
        now = timezone.now()
        count = self._insert_lines(
            (
                self.pk,
                lease_id,
                lodging_id,
                residence_id,
                LineKind.INITIAL,
                days,
                provisions,
                actual,
                actual - provisions,
                months,
                now,
            )
            for lease_id, (lodging_id, residence_id, days, provisions, actual, months) in found.items()
        )
        self.computed_at, self.computed_by = now, by
        self.save(update_fields=["computed_at", "computed_by"])
        return count

    def add_corrections(self, *, by):
        """A sent regularisation is frozen: where today's figures differ from what was sent (all its
        lines so far), a correction line holds the difference. Returns how many were added."""
        if not self.is_frozen:
            raise ValidationError("Un brouillon se recalcule : les rectifications viennent après l'envoi.")
        sent = {}
        for lease_id, lodging_id, residence_id, provisions, actual in self.lines.values_list(
            "lease_id", "lodging_id", "residence_id", "provisions", "actual_cost"
        ):
            lease = sent.setdefault(lease_id, [lodging_id, residence_id, Decimal(0), Decimal(0)])
            lease[2] += provisions
            lease[3] += actual
        fresh = self.computed_lines()
        now = timezone.now()
        corrections = []
        for lease_id in sorted(sent.keys() | fresh.keys()):
            lodging_id, residence_id, days, new_provisions, new_actual, months = fresh.get(
                lease_id, (*sent[lease_id][:2], 0, Decimal(0), Decimal(0), ())
            )
            _, _, provisions, actual = sent.get(lease_id, [None, None, Decimal(0), Decimal(0)])
            if (new_provisions, new_actual) == (provisions, actual):
                continue
            delta_provisions, delta_actual = new_provisions - provisions, new_actual - actual
            corrections.append(
                (
                    self.pk,
                    lease_id,
                    lodging_id,
                    residence_id,
                    LineKind.CORRECTION,
                    days,
                    delta_provisions,
                    delta_actual,
                    delta_actual - delta_provisions,
                    months,
                    now,
                )
            )
        self._insert_lines(corrections)
        self.computed_at, self.computed_by = now, by
        self.save(update_fields=["computed_at", "computed_by"])
        return len(corrections)

    @fsm_log_by
    @transition(
        field=state,
        source=State.DRAFT,
        target=State.SENT,
        conditions=[_has_lines],
        permission=is_regularisation_editor,
        custom={"label": "Marquer comme envoyée aux locataires", "url_name": "subscriptions:regularisation_send"},
    )
    def send(self, *, by, on=None):
        self.sent_on = on or timezone.localdate()
        self.sent_by = by


class LineKind(models.TextChoices):
    INITIAL = "initial", "Décompte"
    CORRECTION = "correction", "Rectification"


class RegularisationLine(models.Model):
    """One lease's figures in a regularisation; lines of a sent regularisation never change, a later
    correction is a new line holding the differences."""

    regularisation = models.ForeignKey(Regularisation, on_delete=models.CASCADE, related_name="lines")
    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="internet_regularisation_lines")
    lodging = models.ForeignKey(Lodging, on_delete=models.PROTECT, related_name="+")
    residence = models.ForeignKey(Residence, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("nature", max_length=10, choices=LineKind.choices, default=LineKind.INITIAL)
    chargeable_days = models.PositiveIntegerField("jours refacturables", default=0)
    provisions = models.DecimalField("provisions appelées (TTC)", max_digits=10, decimal_places=2)
    actual_cost = models.DecimalField("coût réel (TTC)", max_digits=10, decimal_places=2)
    balance = models.DecimalField("solde (TTC)", max_digits=10, decimal_places=2)
    # [[YYYY-MM, chargeable days, provision, actual cost], ...] as text: the statement's detail.
    months = models.JSONField("détail mensuel", default=list)
    created_at = models.DateTimeField("établie le", default=timezone.now)

    class Meta:
        verbose_name = "ligne de régularisation"
        verbose_name_plural = "lignes de régularisation"
        ordering = ["regularisation", "lease", "created_at", "pk"]
        indexes = [models.Index(fields=["regularisation", "lease"], name="regularisation_line_lease")]

    def __str__(self):
        return f"{self.lease} : solde {self.balance} €"

    @property
    def balance_label(self):
        if self.balance > 0:
            return "à payer par le locataire"
        if self.balance < 0:
            return "à rembourser au locataire"
        return "soldé"


def ensure_rules_seeded():
    """The rule of migration 0002 again (idempotent), for a database flushed after the migrations ran
    (the demo on an emptied database, browser tests that truncate tables)."""
    import importlib

    from django.apps import apps

    if not ConsultationRule.objects.exists():
        importlib.import_module("subscriptions.migrations.0002_consultation_rule").seed(apps, None)
