"""Operator tenders: a landlord (a public buyer) consults operators, under the Code de la commande
publique (domain.md §8).

The application enforces the rules instead of leaving them to the user: bids stay sealed until the
deadline (server time, on every write), criteria and delays are frozen at publication, an
abnormally low bid cannot be rejected without a justification, a contract cannot be signed before
the standstill ends. Rule figures (thresholds, delays, ratios) are data: `ProcurementRule`.

Who depends on this: `subscriptions` builds on `Contract` (landlord, operator, residences,
unit_price_ht, vat_rate, start, end, state); the open data (`releases.py`) stores an immutable OCDS
`Release` at each event.
"""

import datetime
import hashlib
import json
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Avg, Count, Exists, Max, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from accounts.models import Kind, Organization, Versioned, is_member, memberships_of, territory_of
from leases.models import FIBRE_READY_STATES, Lodging, Residence

# ---------------------------------------------------------------------------------------------
# Rules as data


class ProcurementRuleQuerySet(models.QuerySet):
    def in_force(self, day):
        """The rule applying on `day` (the latest one starting on or before it)."""
        return (
            self.filter(valid_from__lte=day)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
            .order_by("-valid_from")
            .first()
        )


class ProcurementRule(models.Model):
    """The figures of the Code de la commande publique that change over time, with validity dates.

    - EU services threshold above which a formal procedure (appel d'offres) is required
      (CCP R2124-1 and its annex; revised every two years by the European Commission);
    - minimum time to answer an open formal tender with electronic bids (CCP R2161-3: 35 days,
      30 when bids are submitted electronically) and, for an adapted procedure, a "reasonable"
      time (CCP R2131-12) kept here as a floor the landlord may exceed;
    - answers to questions sent at the latest 6 days before the deadline (CCP R2132-6);
    - standstill between the rejection letters and the signature (CCP R2182-1: 11 days);
    - the share of the other bids' mean below which a bid is flagged abnormally low (CCP R2152-3
      requires a justification before rejecting it; the ratio itself is a local setting).

    Seeded by a data migration; a figure marked `to_check` must be confirmed on Légifrance.
    """

    label = models.CharField("libellé", max_length=200)
    valid_from = models.DateField("en vigueur du")
    valid_until = models.DateField("jusqu'au", null=True, blank=True)
    formal_threshold_ht = models.DecimalField("seuil de procédure formalisée (HT)", max_digits=12, decimal_places=2)
    formal_min_days = models.PositiveSmallIntegerField("délai minimal de réception des offres, procédure formalisée")
    adapted_min_days = models.PositiveSmallIntegerField("délai minimal de réception des offres, procédure adaptée")
    formal_answer_days = models.PositiveSmallIntegerField(
        "réponses aux questions au plus tard (jours avant la date limite)"
    )
    adapted_answer_days = models.PositiveSmallIntegerField(
        "réponses aux questions au plus tard, procédure adaptée (jours avant la date limite)", default=0
    )
    formal_standstill_days = models.PositiveSmallIntegerField("délai de suspension, procédure formalisée (jours)")
    adapted_standstill_days = models.PositiveSmallIntegerField(
        "délai de suspension, procédure adaptée (jours)", default=0
    )
    abnormally_low_ratio = models.DecimalField(
        "seuil d'offre anormalement basse (part de la moyenne des autres offres)",
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1.00"))],
    )
    to_check = models.BooleanField("à vérifier", default=False)
    source = models.TextField("sources et remarques", blank=True)

    objects = ProcurementRuleQuerySet.as_manager()

    class Meta:
        verbose_name = "règle de la commande publique"
        verbose_name_plural = "règles de la commande publique"
        ordering = ["-valid_from"]

    def __str__(self):
        return self.label


class Procedure(models.TextChoices):
    ADAPTED = "adapted", "Procédure adaptée (MAPA)"
    FORMAL = "formal", "Appel d'offres ouvert (procédure formalisée)"


class Technology(models.TextChoices):
    FTTH = "ftth", "Fibre jusqu'au logement (FttH)"
    CABLE = "cable", "Câble coaxial (FttB)"
    VDSL = "vdsl", "Cuivre (VDSL2)"
    RADIO = "radio", "Très haut débit radio ou 4G/5G fixe"
    OTHER = "other", "Autre"


def private_upload_path(instance, filename):
    """Files under MEDIA_ROOT, never served from a public URL (views check access)."""
    return f"operators/{type(instance).__name__.lower()}/{uuid.uuid4().hex}/{filename}"


def sha256_of(field_file):
    digest = hashlib.sha256()
    field_file.open("rb")
    try:
        for chunk in field_file.chunks():
            digest.update(chunk)
    finally:
        field_file.close()
    return digest.hexdigest()


def money(value):
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def operator_orgs(user):
    return memberships_of(user).filter(organization__kind=Kind.OPERATOR).values("organization")


def may_act_for(user, organization):
    """Admin or member (a viewer reads only)."""
    return user.is_authenticated and user.can_edit_for(organization)


# ---------------------------------------------------------------------------------------------
# Tender


class TenderState(models.TextChoices):
    """A tender is drafted, then published with its frozen rules; bids come in sealed until the
    deadline, after which it is closed; the landlord opens the bids (a recorded act), checks them
    and evaluates the admissible ones, then awards (the standstill runs) and signs the contract.
    It may end without follow-up (sans suite, reasons given to all) or unsuccessful (infructueux:
    no acceptable bid)."""

    DRAFT = "draft", "Brouillon"
    PUBLISHED = "published", "Publié, offres attendues"
    CLOSED = "closed", "Clos, offres à ouvrir"
    OPENED = "opened", "Offres ouvertes, analyse"
    EVALUATION = "evaluation", "En évaluation"
    AWARDED = "awarded", "Attribué, délai de suspension"
    CONTRACTED = "contracted", "Marché signé"
    CANCELLED = "cancelled", "Sans suite"
    UNSUCCESSFUL = "unsuccessful", "Infructueux"


PUBLIC_TENDER_STATES = [s for s in TenderState.values if s != TenderState.DRAFT]
AFTER_OPENING_STATES = [TenderState.OPENED, TenderState.EVALUATION, TenderState.AWARDED, TenderState.CONTRACTED]
AFTER_AWARD_STATES = [TenderState.AWARDED, TenderState.CONTRACTED]
ENDED_STATES = [TenderState.CONTRACTED, TenderState.CANCELLED, TenderState.UNSUCCESSFUL]


class TenderQuerySet(models.QuerySet):
    def visible_to(self, user):
        """- the landlord's members: all its tenders, drafts included;
        - every operator: published tenders of every territory (the notice is public);
        - city and State staff: published tenders with a residence in their communes (read-only)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        condition = Q(is_member(user, "landlord"))
        kinds = user.kinds
        if Kind.OPERATOR in kinds:
            condition |= Q(state__in=PUBLIC_TENDER_STATES)
        if user.has_territory:
            in_territory = Residence.objects.filter(tenders=OuterRef("pk"), commune__in=territory_of(user))
            condition |= Q(state__in=PUBLIC_TENDER_STATES) & Q(Exists(in_territory))
        return self.filter(condition)

    def open_for_bids(self, now=None):
        now = now or timezone.now()
        return self.filter(state=TenderState.PUBLISHED, deadline__gt=now)

    def with_bid_count(self):
        """How many bids count (submitted, or confirmed after an amendment): never their content."""
        return self.annotate(bid_count=Count("bids", filter=Q(bids__state__in=COUNTED_BID_STATES), distinct=True))


class Tender(ConcurrentTransitionMixin, Versioned):
    landlord = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="tenders", verbose_name="bailleur"
    )
    # Globally unique: the OCDS ocid is a settings prefix + this reference (hence no spaces).
    reference = models.CharField(
        "référence",
        max_length=50,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9._/-]*$",
                "Lettres sans accent, chiffres et les signes - _ . / seulement (la référence entre dans "
                "l'identifiant des données ouvertes).",
            )
        ],
        help_text="Par exemple AO-2026-04 : elle identifie l'appel d'offres dans les données ouvertes.",
    )
    title = models.CharField("objet", max_length=200)
    description = models.TextField("description", blank=True)
    residences = models.ManyToManyField(
        Residence, related_name="tenders", blank=True, verbose_name="résidences du périmètre"
    )
    # Requirements
    technology = models.CharField(
        "technologie exigée", max_length=10, choices=Technology.choices, default=Technology.FTTH, blank=True
    )
    min_download_mbps = models.PositiveIntegerField("débit descendant minimal (Mbit/s)", default=300)
    min_upload_mbps = models.PositiveIntegerField("débit montant minimal (Mbit/s)", default=100)
    box_in_every_dwelling = models.BooleanField("une box dans chaque logement", default=True)
    max_unit_price_ht = models.DecimalField(
        "prix mensuel maximal par logement (HT)", max_digits=8, decimal_places=2, null=True, blank=True
    )
    duration_months = models.PositiveSmallIntegerField(
        "durée du marché (mois)", default=48, validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    tenant_support = models.TextField("accompagnement des locataires", blank=True)
    other_requirements = models.TextField("autres exigences", blank=True)
    estimated_value_ht = models.DecimalField(
        "valeur estimée (HT, toute la durée)", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    # Official notice (formal procedure): the minimum delay counts from its sending date.
    notice_boamp_reference = models.CharField("référence de l'avis au BOAMP", max_length=50, blank=True)
    notice_joue_reference = models.CharField("référence de l'avis au JOUE", max_length=50, blank=True)
    notice_sent_at = models.DateTimeField("avis envoyé à la publication le", null=True, blank=True)
    questions_deadline = models.DateTimeField("date limite des questions", null=True, blank=True)
    deadline = models.DateTimeField("date limite de remise des offres", null=True, blank=True)
    # Frozen at publication (copied from the rule in force, so that editing a rule never changes
    # a published tender).
    procedure = models.CharField("procédure", max_length=10, choices=Procedure.choices, blank=True)
    rule = models.ForeignKey(
        ProcurementRule, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="règle"
    )
    threshold_ht = models.DecimalField("seuil appliqué (HT)", max_digits=12, decimal_places=2, null=True, blank=True)
    min_days = models.PositiveSmallIntegerField("délai minimal (jours)", null=True, blank=True)
    answer_days = models.PositiveSmallIntegerField("réponses au plus tard (jours avant)", null=True, blank=True)
    standstill_days = models.PositiveSmallIntegerField("délai de suspension (jours)", null=True, blank=True)
    abnormally_low_ratio = models.DecimalField(
        "seuil d'offre anormalement basse", max_digits=3, decimal_places=2, null=True, blank=True
    )
    perimeter_dwellings = models.PositiveIntegerField("logements du périmètre à la publication", default=0)
    state = FSMField("état", choices=TenderState.choices, default=TenderState.DRAFT, protected=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    published_at = models.DateTimeField("publié le", null=True, blank=True)
    closed_at = models.DateTimeField("clos le", null=True, blank=True)
    open_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField("offres ouvertes le", null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    board_decision_on = models.DateField("décision de la commission d'appel d'offres le", null=True, blank=True)
    award_reasons = models.TextField("motifs du choix", blank=True)
    awarded_at = models.DateTimeField("attribué le", null=True, blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    awarded_bid = models.OneToOneField(
        "Bid", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="offre retenue"
    )
    standstill_ends_at = models.DateTimeField("signature possible à partir du", null=True, blank=True)
    standstill_notified_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField("terminé le", null=True, blank=True)
    end_reason = models.TextField("motifs (sans suite ou infructueux)", blank=True)

    objects = TenderQuerySet.as_manager()

    class Meta:
        verbose_name = "appel d'offres"
        verbose_name_plural = "appels d'offres"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.reference} — {self.title}"

    def get_absolute_url(self):
        return reverse("operators:tender_detail", args=[self.pk])

    # -- reading ---------------------------------------------------------------------------

    @property
    def is_draft(self):
        return self.state == TenderState.DRAFT

    @property
    def is_formal(self):
        return (self.procedure or self.expected_procedure()) == Procedure.FORMAL

    @property
    def is_opened(self):
        return self.state in AFTER_OPENING_STATES

    @property
    def is_awarded(self):
        return self.state in AFTER_AWARD_STATES

    def deadline_passed(self, now=None):
        return self.deadline is not None and (now or timezone.now()) >= self.deadline

    def accepts_bids(self, now=None):
        """Server time decides, whatever state the scheduled job has or has not set yet."""
        return self.state == TenderState.PUBLISHED and not self.deadline_passed(now)

    def accepts_questions(self, now=None):
        now = now or timezone.now()
        return self.accepts_bids(now) and self.questions_deadline is not None and now < self.questions_deadline

    @property
    def answers_due_by(self):
        """Answers must reach every operator at the latest `answer_days` before the deadline."""
        if self.deadline is None:
            return None
        return self.deadline - datetime.timedelta(days=self.answer_days or 0)

    def accepts_answers(self, now=None):
        now = now or timezone.now()
        return self.state == TenderState.PUBLISHED and self.answers_due_by is not None and now < self.answers_due_by

    def rule_in_force(self, day=None):
        return ProcurementRule.objects.in_force(day or timezone.localdate())

    def expected_procedure(self, rule=None):
        """Adapted below the EU threshold, formal from it (value HT over the whole duration)."""
        rule = rule or self.rule or self.rule_in_force()
        if rule is None or self.estimated_value_ht is None:
            return ""
        threshold = self.threshold_ht if self.threshold_ht is not None else rule.formal_threshold_ht
        return Procedure.FORMAL if self.estimated_value_ht >= threshold else Procedure.ADAPTED

    def lodgings(self):
        """The dwellings of the perimeter (in stock): the residences' dwellings."""
        return Lodging.objects.in_stock().filter(residence__in=self.residences.all())

    def perimeter_summary(self):
        """Per QPV (None = outside any QPV): residences, dwellings, fibre-ready dwellings, in one query."""
        rows = (
            self.lodgings()
            .values("qpv__code", "qpv__name")
            .annotate(
                residences=Count("residence", distinct=True),
                dwellings=Count("pk"),
                fibre_ready=Count("pk", filter=Q(residence__fibre_state__in=FIBRE_READY_STATES)),
            )
            .order_by("qpv__code")
        )
        return list(rows)

    def counted_bids(self):
        return self.bids.filter(state__in=COUNTED_BID_STATES)

    def bid_count(self):
        """How many bids count: all anyone but the bidder may know before the opening."""
        return self.counted_bids().count()

    def bid_statistics(self):
        """After award only (§8: city staff and the public): count, lowest, highest, mean price."""
        if not self.is_awarded:
            return None
        return self.bids.filter(state__in=OPENED_BID_STATES).aggregate(
            count=Count("pk"), lowest=Min("unit_price_ht"), highest=Max("unit_price_ht"), mean=Avg("unit_price_ht")
        )

    def total_weight(self):
        return sum(c.weight for c in self.criteria.all())

    def interested_operators(self):
        """Operators that downloaded the documents, asked a question or prepared a bid."""
        return Organization.objects.filter(
            Q(interests__tender=self) | Q(bids__tender=self) | Q(tender_questions__tender=self)
        ).distinct()

    def note_interest(self, operator, reason):
        """An operator showed interest (downloaded, asked, bid): it will hear of amendments."""
        Interest.objects.get_or_create(tender=self, operator=operator, defaults={"reason": reason})

    # -- permissions -----------------------------------------------------------------------

    def can_manage(self, user):
        """The landlord's admins and members run the tender; its viewers read."""
        return may_act_for(user, self.landlord_id)

    def can_evaluate(self, user):
        return self.can_manage(user)

    # -- checks --------------------------------------------------------------------------

    def publication_errors(self, now=None):
        """Everything that forbids publishing now, in French (empty list = may publish)."""
        now = now or timezone.now()
        errors = []
        rule = self.rule_in_force(timezone.localdate(now))
        if rule is None:
            return ["Aucune règle de la commande publique n'est en vigueur aujourd'hui : prévenez l'administrateur."]
        if not self.residences.exists():
            errors.append("Le périmètre ne compte aucune résidence.")
        criteria = list(self.criteria.all())
        if not criteria:
            errors.append("Ajoutez les critères d'attribution et leur pondération.")
        elif sum(c.weight for c in criteria) != 100:
            errors.append(
                f"Les pondérations des critères totalisent {sum(c.weight for c in criteria)} % au lieu de 100 %."
            )
        if self.deadline is None or self.questions_deadline is None:
            errors.append("Indiquez la date limite des questions et la date limite de remise des offres.")
            return errors
        procedure = self.expected_procedure(rule)
        formal = procedure == Procedure.FORMAL
        if formal:
            if not self.notice_sent_at:
                errors.append(
                    "Procédure formalisée : indiquez la date d'envoi de l'avis de marché (BOAMP, JOUE), "
                    "à partir de laquelle court le délai minimal."
                )
            elif self.notice_sent_at > now:
                errors.append("La date d'envoi de l'avis de marché ne peut pas être dans le futur.")
            if not (self.notice_boamp_reference or self.notice_joue_reference):
                errors.append("Procédure formalisée : indiquez la référence de l'avis au BOAMP ou au JOUE.")
        min_days = rule.formal_min_days if formal else rule.adapted_min_days
        start = self.notice_sent_at if formal and self.notice_sent_at else now
        earliest = start + datetime.timedelta(days=min_days)
        if self.deadline < earliest:
            errors.append(
                f"La date limite de remise des offres doit laisser au moins {min_days} jours "
                f"(au plus tôt le {timezone.localtime(earliest):%d/%m/%Y à %H:%M})."
            )
        answer_days = rule.formal_answer_days if formal else rule.adapted_answer_days
        if self.questions_deadline > self.deadline - datetime.timedelta(days=answer_days):
            errors.append(
                "La date limite des questions doit précéder la date limite de remise des offres"
                + (f" d'au moins {answer_days} jours, pour répondre à temps à tous." if answer_days else ".")
            )
        if self.questions_deadline <= now:
            errors.append("La date limite des questions est déjà passée.")
        return errors

    def freeze_rules(self, rule, now):
        """Procedure, threshold and delays of the rule in force, copied at publication."""
        self.rule = rule
        self.procedure = self.expected_procedure(rule)
        formal = self.procedure == Procedure.FORMAL
        self.threshold_ht = rule.formal_threshold_ht
        self.min_days = rule.formal_min_days if formal else rule.adapted_min_days
        self.answer_days = rule.formal_answer_days if formal else rule.adapted_answer_days
        self.standstill_days = rule.formal_standstill_days if formal else rule.adapted_standstill_days
        self.abnormally_low_ratio = rule.abnormally_low_ratio

    def minimum_new_deadline(self, now=None):
        """An amendment must leave at least the minimum delay from its own date."""
        return (now or timezone.now()) + datetime.timedelta(days=self.min_days or 0)

    def award_errors(self, *, with_board_date=True):
        """What forbids the award; the board date is asked in the award form itself."""
        errors = []
        bids = list(self.bids.filter(state__in=[BidState.ADMISSIBLE, BidState.RANKED]).prefetch_related("scores"))
        if not bids:
            errors.append("Aucune offre recevable : déclarez l'appel d'offres infructueux.")
        criteria_ids = {c.pk for c in self.criteria.all()}
        for bid in bids:
            if {s.criterion_id for s in bid.scores.all()} != criteria_ids:
                errors.append(f"L'offre de {bid.operator} n'est pas notée sur tous les critères.")
        for bid in self.bids.filter(state__in=OPENED_BID_STATES):
            if bid.is_flagged_low and bid.justification_accepted is None:
                errors.append(
                    f"L'offre de {bid.operator} est signalée anormalement basse : demandez et examinez sa "
                    "justification avant d'attribuer."
                )
        if with_board_date and self.is_formal and not self.board_decision_on:
            errors.append("Procédure formalisée : indiquez la date de décision de la commission d'appel d'offres.")
        ranked = sorted(bids, key=lambda b: b.computed_total(), reverse=True)
        if len(ranked) > 1 and ranked[0].computed_total() == ranked[1].computed_total():
            errors.append("Les deux meilleures offres sont à égalité : revoyez les notes pour les départager.")
        return errors

    # -- transitions -----------------------------------------------------------------------

    def _manager_permission(self, user):
        return self.can_manage(user)

    def _may_publish(self):
        return not self.publication_errors()

    @fsm_log_by
    @transition(
        field=state,
        source=TenderState.DRAFT,
        target=TenderState.PUBLISHED,
        conditions=[_may_publish],
        permission=_manager_permission,
        custom={"label": "Publier", "url_name": "operators:tender_publish"},
    )
    def publish(self, *, by):
        now = timezone.now()
        self.freeze_rules(self.rule_in_force(timezone.localdate(now)), now)
        self.published_at = now
        self.perimeter_dwellings = self.lodgings().count()

    @fsm_log_by
    @transition(
        field=state,
        source=TenderState.PUBLISHED,
        target=TenderState.CLOSED,
        conditions=[deadline_passed],
        custom={"hidden": True},
    )
    def close(self, *, by=None):
        """The deadline passed: run_deadlines, or the opening itself when the job is late."""
        self.closed_at = timezone.now()

    @fsm_log_by
    @transition(
        field=state,
        source=[TenderState.PUBLISHED, TenderState.CLOSED],
        target=TenderState.OPENED,
        conditions=[deadline_passed],
        permission=_manager_permission,
        custom={"label": "Ouvrir les offres", "url_name": "operators:tender_open"},
    )
    def open(self, *, by):
        """The recorded act of opening, after the deadline (server time). Only submitted bids
        (and confirmed ones after an amendment) are opened; the last version of each operator."""
        now = timezone.now()
        self.closed_at = self.closed_at or now
        self.opened_at = now
        self.opened_by = by

    def _all_bids_checked(self):
        return (
            not self.bids.filter(state=BidState.OPENED).exists()
            and self.bids.filter(state=BidState.ADMISSIBLE).exists()
        )

    @fsm_log_by
    @transition(
        field=state,
        source=TenderState.OPENED,
        target=TenderState.EVALUATION,
        conditions=[_all_bids_checked],
        permission=_manager_permission,
        custom={"label": "Passer à l'évaluation", "url_name": "operators:tender_start_evaluation"},
    )
    def start_evaluation(self, *, by):
        pass

    def _may_award(self):
        return not self.award_errors(with_board_date=False)

    @fsm_log_by
    @transition(
        field=state,
        source=TenderState.EVALUATION,
        target=TenderState.AWARDED,
        conditions=[_may_award],
        permission=_manager_permission,
        custom={"label": "Attribuer", "url_name": "operators:tender_award", "form": True},
    )
    def award(self, *, by, reasons):
        """Sets the award fields; `apply_award` (same transaction) ranks, decides the bids and
        prepares the contract. ConcurrentTransitionMixin: of two evaluators awarding at once, one wins."""
        if self.is_formal and not self.board_decision_on:
            raise ValidationError(
                "Procédure formalisée : indiquez la date de décision de la commission d'appel d'offres."
            )
        now = timezone.now()
        self.award_reasons = reasons
        self.awarded_at = now
        self.awarded_by = by
        self.standstill_ends_at = now + datetime.timedelta(days=self.standstill_days or 0)

    @fsm_log_by
    @transition(field=state, source=TenderState.AWARDED, target=TenderState.CONTRACTED, custom={"hidden": True})
    def mark_contracted(self, *, by):
        """Set by Contract.sign, in its transaction."""

    def _no_acceptable_bid(self):
        return not self.bids.filter(state__in=[BidState.OPENED, BidState.ADMISSIBLE, BidState.RANKED]).exists() and (
            self.state != TenderState.CLOSED or not self.counted_bids().exists()
        )

    @fsm_log_by
    @fsm_log_description(allow_inline=True)
    @transition(
        field=state,
        source=[TenderState.CLOSED, TenderState.OPENED, TenderState.EVALUATION],
        target=TenderState.UNSUCCESSFUL,
        conditions=[_no_acceptable_bid],
        permission=_manager_permission,
        custom={"label": "Déclarer infructueux", "url_name": "operators:tender_unsuccessful", "form": True},
    )
    def declare_unsuccessful(self, *, by, reasons, description=None):
        self.ended_at = timezone.now()
        self.end_reason = reasons
        if description is not None:
            description.set(reasons[:250])

    @fsm_log_by
    @fsm_log_description(allow_inline=True)
    @transition(
        field=state,
        source=[TenderState.PUBLISHED, TenderState.CLOSED, TenderState.OPENED, TenderState.EVALUATION],
        target=TenderState.CANCELLED,
        permission=_manager_permission,
        custom={"label": "Déclarer sans suite", "url_name": "operators:tender_cancel", "form": True, "danger": True},
    )
    def cancel(self, *, by, reasons, description=None):
        """Sans suite: the reasons go to every operator that showed interest."""
        self.ended_at = timezone.now()
        self.end_reason = reasons
        if description is not None:
            description.set(reasons[:250])

    # -- what a transition brings along (same transaction, called by the view) ---------------

    def apply_opening(self, *, by):
        """Open the bids that count and flag the abnormally low ones."""
        for bid in self.bids.filter(state=BidState.SUBMITTED):
            bid.open(by=by)
            bid.save()
        self.flag_abnormally_low()

    def flag_abnormally_low(self):
        """A bid whose total is below ratio × the mean of the others' totals is flagged."""
        bids = list(self.bids.filter(state__in=OPENED_BID_STATES))
        ratio = self.abnormally_low_ratio or Decimal("0.70")
        for bid in bids:
            others = [b.total_value() for b in bids if b.pk != bid.pk]
            flagged = bool(others) and bid.total_value() < ratio * (sum(others) / len(others))
            if flagged != bid.abnormally_low:
                Bid.objects.filter(pk=bid.pk).update(abnormally_low=flagged)

    def rank_bids(self):
        """Weighted totals and ranks of the admissible bids (ties share a rank)."""
        bids = list(
            self.bids.filter(state__in=[BidState.ADMISSIBLE, BidState.RANKED]).prefetch_related("scores__criterion")
        )
        bids.sort(key=lambda b: b.computed_total(), reverse=True)
        previous, rank = None, 0
        for position, bid in enumerate(bids, start=1):
            total = bid.computed_total()
            if total != previous:
                rank, previous = position, total
            Bid.objects.filter(pk=bid.pk).update(total_score=total, rank=rank)
            bid.total_score, bid.rank = total, rank
        return bids

    def apply_award(self, *, by):
        """Rank, award the best bid, reject the others (letters), create the pending contract."""
        bids = self.rank_bids()
        for bid in bids:
            bid.refresh_from_db()
            if bid.state == BidState.ADMISSIBLE:
                bid.rank_bid(by=by)
                bid.save()
        winner = bids[0]
        winner.refresh_from_db()
        winner.win(by=by)
        winner.save()
        type(self).objects.filter(pk=self.pk).update(awarded_bid=winner)
        self.awarded_bid = winner
        for bid in self.bids.filter(state__in=[BidState.RANKED, BidState.ELIMINATED]).exclude(pk=winner.pk):
            bid.lose(by=by, winner=winner)
            bid.save()
        return Contract.create_from_award(self)


# ---------------------------------------------------------------------------------------------
# Criteria, documents, interest, questions, amendments


class CriterionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(tender__in=Tender.objects.visible_to(user))


class Criterion(models.Model):
    """An award criterion and its weight (%), published with the tender and frozen then."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField("critère", max_length=120)
    description = models.TextField("précisions", blank=True)
    weight = models.PositiveSmallIntegerField(
        "pondération (%)", validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    is_price = models.BooleanField(
        "critère prix", default=False, help_text="La note proposée est alors calculée : meilleur prix / prix × 100."
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = CriterionQuerySet.as_manager()

    class Meta:
        verbose_name = "critère d'attribution"
        verbose_name_plural = "critères d'attribution"
        ordering = ["tender", "position", "pk"]

    def __str__(self):
        return f"{self.name} ({self.weight} %)"


class Amendment(models.Model):
    """A corrective notice after publication: a new deadline leaving at least the minimum delay;
    interested operators are told; submitted bids must be confirmed again."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveSmallIntegerField("numéro")
    summary = models.TextField("objet de la modification")
    notice_reference = models.CharField("référence de l'avis rectificatif", max_length=50, blank=True)
    previous_deadline = models.DateTimeField("ancienne date limite")
    new_deadline = models.DateTimeField("nouvelle date limite de remise des offres")
    previous_questions_deadline = models.DateTimeField("ancienne date limite des questions")
    new_questions_deadline = models.DateTimeField("nouvelle date limite des questions")
    published_at = models.DateTimeField("publié le", default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = "avis rectificatif"
        verbose_name_plural = "avis rectificatifs"
        ordering = ["tender", "number"]
        constraints = [models.UniqueConstraint(fields=["tender", "number"], name="unique_amendment_number")]

    def __str__(self):
        return f"Avis rectificatif n° {self.number}"


class TenderDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The consultation documents follow the tender (public once published)."""
        return self.filter(tender__in=Tender.objects.visible_to(user))


class TenderDocument(models.Model):
    """A consultation document (règlement, cahier des charges, annexes). Served by a view only."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="documents")
    amendment = models.ForeignKey(Amendment, on_delete=models.PROTECT, null=True, blank=True, related_name="documents")
    title = models.CharField("titre", max_length=200)
    file = models.FileField("fichier", upload_to=private_upload_path, max_length=300)
    sha256 = models.CharField("empreinte SHA-256", max_length=64, blank=True)
    size = models.PositiveIntegerField("taille (octets)", default=0)
    uploaded_at = models.DateTimeField("déposé le", default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = TenderDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "document de la consultation"
        verbose_name_plural = "documents de la consultation"
        ordering = ["tender", "uploaded_at", "pk"]

    def __str__(self):
        return self.title

    @property
    def filename(self):
        return self.file.name.rsplit("/", 1)[-1]


class InterestReason(models.TextChoices):
    DOWNLOADED = "downloaded", "A téléchargé les documents"
    ASKED = "asked", "A posé une question"
    BID = "bid", "A préparé une offre"


class Interest(models.Model):
    """An operator that showed interest in a tender: it is told of amendments and of the outcome."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="interests")
    operator = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="interests")
    reason = models.CharField("premier signe d'intérêt", max_length=12, choices=InterestReason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "opérateur intéressé"
        verbose_name_plural = "opérateurs intéressés"
        constraints = [models.UniqueConstraint(fields=["tender", "operator"], name="unique_interest")]

    def __str__(self):
        return f"{self.operator} — {self.tender.reference}"


class QuestionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The landlord sees every question; the asking operator its own; everyone who sees the
        tender sees the answered ones (published to all, without the asker's name)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(
            Q(is_member(user, "tender__landlord"))
            | Q(is_member(user, "operator"))
            | (Q(answered_at__isnull=False) & Q(tender__in=Tender.objects.visible_to(user)))
        )


class Question(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="questions")
    operator = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="tender_questions")
    text = models.TextField("question")
    asked_at = models.DateTimeField("posée le", default=timezone.now)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    answer = models.TextField("réponse", blank=True)
    answered_at = models.DateTimeField("réponse publiée le", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = "question"
        verbose_name_plural = "questions"
        ordering = ["tender", "asked_at", "pk"]

    def __str__(self):
        return self.text[:60]

    @property
    def is_answered(self):
        return self.answered_at is not None


# ---------------------------------------------------------------------------------------------
# Bids


class BidState(models.TextChoices):
    """An operator drafts its bid and submits it before the deadline (a receipt: server time and
    SHA-256). Before the deadline it may withdraw it or submit a new version, which replaces it
    (only the last counts). After an amendment, a submitted bid is to be confirmed again. At the
    opening, counting bids are opened, then found admissible or eliminated (with a reason); the
    admissible ones are ranked, then awarded or rejected."""

    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Déposée"
    WITHDRAWN = "withdrawn", "Retirée"
    REPLACED = "replaced", "Remplacée par une nouvelle version"
    TO_CONFIRM = "to_confirm", "À confirmer (avis rectificatif)"
    OPENED = "opened", "Ouverte"
    ADMISSIBLE = "admissible", "Recevable"
    ELIMINATED = "eliminated", "Écartée"
    RANKED = "ranked", "Classée"
    AWARDED = "awarded", "Retenue"
    REJECTED = "rejected", "Non retenue"


# Bids that count before the opening (a to-be-confirmed bid counts once confirmed).
COUNTED_BID_STATES = [
    BidState.SUBMITTED,
    BidState.OPENED,
    BidState.ADMISSIBLE,
    BidState.ELIMINATED,
    BidState.RANKED,
    BidState.AWARDED,
    BidState.REJECTED,
]
# The one live bid of an operator on a tender (a draft of the next version may sit beside it).
LIVE_BID_STATES = [BidState.TO_CONFIRM, *COUNTED_BID_STATES]
# Bids opened by the landlord: the only ones it may ever read.
OPENED_BID_STATES = [
    BidState.OPENED,
    BidState.ADMISSIBLE,
    BidState.ELIMINATED,
    BidState.RANKED,
    BidState.AWARDED,
    BidState.REJECTED,
]


class BidQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Sealed: the bidding operator sees its own bids, always; the landlord's members see the
        opened bids of its tenders, after the opening. Nobody else ever reads a bid (city staff
        get aggregates, other operators the winner and awarded price, from the tender)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(
            Q(is_member(user, "operator"))
            | (
                Q(is_member(user, "tender__landlord"))
                & Q(state__in=OPENED_BID_STATES)
                & Q(tender__state__in=AFTER_OPENING_STATES)
                & Q(tender__opened_at__isnull=False)
            )
        )

    def unsealed(self):
        """Bids opened after the deadline: all the Django admin may show."""
        return self.filter(
            state__in=OPENED_BID_STATES, tender__state__in=AFTER_OPENING_STATES, tender__opened_at__isnull=False
        )


class DeadlinePassed(ValidationError):
    pass


class Bid(ConcurrentTransitionMixin, models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="bids")
    operator = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="bids", verbose_name="opérateur")
    version = models.PositiveSmallIntegerField("version", default=1)
    replaces = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by")
    unit_price_ht = models.DecimalField(
        "prix par logement et par mois (HT)", max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )
    vat_rate = models.DecimalField(
        "taux de TVA (%)",
        max_digits=4,
        decimal_places=2,
        default=Decimal("20.00"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    installation_fee_ht = models.DecimalField(
        "frais d'installation par logement (HT)",
        max_digits=8,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(0)],
    )
    technology = models.CharField("technologie", max_length=10, choices=Technology.choices, default=Technology.FTTH)
    download_mbps = models.PositiveIntegerField("débit descendant (Mbit/s)")
    upload_mbps = models.PositiveIntegerField("débit montant (Mbit/s)")
    commitments = models.TextField("engagements (accompagnement, qualité de service, social)", blank=True)
    state = FSMField("état", choices=BidState.choices, default=BidState.DRAFT, protected=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    # Receipt
    submitted_at = models.DateTimeField("déposée le (heure du serveur)", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    content_hash = models.CharField("empreinte SHA-256 du contenu", max_length=64, blank=True)
    confirmed_at = models.DateTimeField("confirmée le", null=True, blank=True)
    withdrawn_at = models.DateTimeField("retirée le", null=True, blank=True)
    # Examination (after the opening)
    elimination_reason = models.TextField("motif de l'élimination", blank=True)
    abnormally_low = models.BooleanField("anormalement basse (calcul)", default=False)
    flagged_low_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    flagged_low_note = models.TextField("signalée anormalement basse : pourquoi", blank=True)
    justification_request = models.TextField("justification demandée", blank=True)
    justification_requested_at = models.DateTimeField("justification demandée le", null=True, blank=True)
    justification = models.TextField("justification de l'opérateur", blank=True)
    justification_received_at = models.DateTimeField("justification reçue le", null=True, blank=True)
    justification_accepted = models.BooleanField("justification acceptée", null=True, blank=True)
    justification_assessment = models.TextField("appréciation de la justification", blank=True)
    justification_assessed_at = models.DateTimeField("justification examinée le", null=True, blank=True)
    justification_assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    total_score = models.DecimalField("note pondérée (sur 100)", max_digits=5, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField("rang", null=True, blank=True)
    rejection_reason = models.TextField("motifs du rejet", blank=True)
    letter_sent_at = models.DateTimeField("lettre de rejet envoyée le", null=True, blank=True)

    objects = BidQuerySet.as_manager()

    class Meta:
        verbose_name = "offre"
        verbose_name_plural = "offres"
        ordering = ["tender", "operator", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "operator", "version"], name="unique_bid_version"),
            models.UniqueConstraint(
                fields=["tender", "operator"], condition=Q(state="draft"), name="one_draft_bid_per_operator"
            ),
            models.UniqueConstraint(
                fields=["tender", "operator"], condition=Q(state__in=LIVE_BID_STATES), name="one_live_bid_per_operator"
            ),
        ]

    def __str__(self):
        return f"Offre de {self.operator} (version {self.version})"

    def get_absolute_url(self):
        return reverse("operators:bid_detail", args=[self.pk])

    # -- reading -------------------------------------------------------------------------

    @property
    def is_flagged_low(self):
        return self.abnormally_low or self.flagged_low_by_id is not None

    @property
    def is_live(self):
        return self.state in LIVE_BID_STATES

    @property
    def unit_price_ttc(self):
        return money(self.unit_price_ht * (1 + self.vat_rate / 100))

    def total_value(self):
        """HT over the whole contract: (monthly price × months + installation) × dwellings."""
        dwellings = self.tender.perimeter_dwellings or 1
        return money((self.unit_price_ht * self.tender.duration_months + self.installation_fee_ht) * dwellings)

    def computed_total(self):
        """Weighted score on 100: Σ score × weight / 100 (scores are on 100)."""
        total = sum((s.value * s.criterion.weight for s in self.scores.all()), Decimal(0)) / 100
        return money(total)

    def content(self):
        """What the receipt's SHA-256 covers: every field of the bid and every document's hash."""
        return {
            "tender": self.tender.reference,
            "operator_siren": self.operator.siren,
            "version": self.version,
            "unit_price_ht": str(self.unit_price_ht),
            "vat_rate": str(self.vat_rate),
            "installation_fee_ht": str(self.installation_fee_ht),
            "technology": self.technology,
            "download_mbps": self.download_mbps,
            "upload_mbps": self.upload_mbps,
            "commitments": self.commitments,
            "documents": [{"title": d.title, "sha256": d.sha256} for d in self.documents.order_by("pk")],
        }

    def compute_hash(self):
        payload = json.dumps(self.content(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(payload.encode()).hexdigest()

    def check_writable(self, now=None):
        """Every write to a bid goes through here: the deadline is read from the server clock."""
        if not self.tender.accepts_bids(now):
            raise DeadlinePassed(
                "La date limite de remise des offres est dépassée (heure du serveur) : "
                "l'offre ne peut plus être déposée, modifiée, retirée ni confirmée."
            )

    def can_write(self, user):
        return may_act_for(user, self.operator_id)

    # -- transitions -----------------------------------------------------------------------

    def _operator_permission(self, user):
        return self.can_write(user)

    def _landlord_permission(self, user):
        return self.tender.can_evaluate(user)

    def _before_deadline(self):
        return self.tender.accepts_bids()

    @fsm_log_by
    @transition(
        field=state,
        source=BidState.DRAFT,
        target=BidState.SUBMITTED,
        conditions=[_before_deadline],
        permission=_operator_permission,
        custom={"label": "Déposer l'offre", "url_name": "operators:bid_submit"},
    )
    def submit(self, *, by):
        """The caller replaces the previous live version first (same transaction)."""
        self.check_writable()
        self.submitted_at = timezone.now()
        self.submitted_by = by
        self.content_hash = self.compute_hash()

    @fsm_log_by
    @transition(
        field=state,
        source=[BidState.SUBMITTED, BidState.TO_CONFIRM],
        target=BidState.REPLACED,
        conditions=[_before_deadline],
        custom={"hidden": True},
    )
    def replace(self, *, by):
        self.check_writable()

    @fsm_log_by
    @transition(
        field=state,
        source=[BidState.SUBMITTED, BidState.TO_CONFIRM],
        target=BidState.WITHDRAWN,
        conditions=[_before_deadline],
        permission=_operator_permission,
        custom={"label": "Retirer l'offre", "url_name": "operators:bid_withdraw", "danger": True},
    )
    def withdraw(self, *, by):
        self.check_writable()
        self.withdrawn_at = timezone.now()

    @fsm_log_by
    @transition(field=state, source=BidState.SUBMITTED, target=BidState.TO_CONFIRM, custom={"hidden": True})
    def require_confirmation(self, *, by):
        """After an amendment: the bid counts again only once confirmed."""
        self.confirmed_at = None

    @fsm_log_by
    @transition(
        field=state,
        source=BidState.TO_CONFIRM,
        target=BidState.SUBMITTED,
        conditions=[_before_deadline],
        permission=_operator_permission,
        custom={"label": "Confirmer l'offre", "url_name": "operators:bid_confirm"},
    )
    def confirm(self, *, by):
        self.check_writable()
        self.confirmed_at = timezone.now()

    @fsm_log_by
    @transition(field=state, source=BidState.SUBMITTED, target=BidState.OPENED, custom={"hidden": True})
    def open(self, *, by):
        """Part of the tender's opening."""

    def _tender_opened(self):
        return self.tender.state == TenderState.OPENED

    @fsm_log_by
    @transition(
        field=state,
        source=BidState.OPENED,
        target=BidState.ADMISSIBLE,
        conditions=[_tender_opened],
        permission=_landlord_permission,
        custom={"label": "Déclarer recevable", "url_name": "operators:bid_admit"},
    )
    def admit(self, *, by):
        pass

    def _may_be_rejected(self):
        """CCP R2152-3: an abnormally low bid is rejected only after its justification was examined."""
        return not self.is_flagged_low or self.justification_accepted is not None

    @fsm_log_by
    @fsm_log_description(allow_inline=True)
    @transition(
        field=state,
        source=[BidState.OPENED, BidState.ADMISSIBLE],
        target=BidState.ELIMINATED,
        conditions=[_tender_opened, _may_be_rejected],
        permission=_landlord_permission,
        custom={"label": "Écarter", "url_name": "operators:bid_eliminate", "form": True, "danger": True},
    )
    def eliminate(self, *, by, reason, description=None):
        if not reason.strip():
            raise ValidationError("Indiquez le motif de l'élimination : il figurera dans la lettre à l'opérateur.")
        self.elimination_reason = reason.strip()
        if description is not None:
            description.set(reason[:250])

    @fsm_log_by
    @transition(field=state, source=BidState.ADMISSIBLE, target=BidState.RANKED, custom={"hidden": True})
    def rank_bid(self, *, by):
        """Part of the award: the admissible bids are ranked."""

    @fsm_log_by
    @transition(field=state, source=BidState.RANKED, target=BidState.AWARDED, custom={"hidden": True})
    def win(self, *, by):
        pass

    @fsm_log_by
    @transition(
        field=state,
        source=[BidState.RANKED, BidState.ELIMINATED],
        target=BidState.REJECTED,
        conditions=[_may_be_rejected],
        custom={"hidden": True},
    )
    def lose(self, *, by, winner):
        """Part of the award: the rejection letter's reasons are fixed here, once."""
        if self.elimination_reason:
            self.rejection_reason = f"Votre offre a été écartée : {self.elimination_reason}"
        else:
            self.rejection_reason = (
                f"Votre offre est classée n° {self.rank} avec une note de {self.total_score} sur 100 ; "
                f"l'offre retenue a obtenu {winner.total_score} sur 100."
            )
        self.letter_sent_at = timezone.now()


class BidDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(bid__in=Bid.objects.visible_to(user))


class BidDocument(models.Model):
    """A document of a bid (technical memo, price schedule): sealed like the bid."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField("titre", max_length=200)
    file = models.FileField("fichier", upload_to=private_upload_path, max_length=300)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    size = models.PositiveIntegerField("taille (octets)", default=0)
    uploaded_at = models.DateTimeField("déposé le", default=timezone.now)

    objects = BidDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "document d'une offre"
        verbose_name_plural = "documents des offres"
        ordering = ["bid", "pk"]

    def __str__(self):
        return self.title

    @property
    def filename(self):
        return self.file.name.rsplit("/", 1)[-1]


class Score(models.Model):
    """The score (on 100) of a bid on one criterion, given by the landlord's evaluators."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.DecimalField(
        "note (sur 100)", max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    comment = models.TextField("appréciation", blank=True)
    scored_at = models.DateTimeField("noté le", default=timezone.now)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = "note"
        verbose_name_plural = "notes"
        ordering = ["bid", "criterion__position", "criterion"]
        constraints = [models.UniqueConstraint(fields=["bid", "criterion"], name="unique_score")]

    def __str__(self):
        return f"{self.criterion.name} : {self.value}"


# ---------------------------------------------------------------------------------------------
# Contract


class ContractState(models.TextChoices):
    """Prepared from the winning bid at the award, the contract waits for both signatures (never
    before the standstill ends); once the landlord records its signature and the signed document
    it is active, until it expires at its end date or is terminated early."""

    PENDING = "pending", "En attente de signature"
    ACTIVE = "active", "En cours"
    TERMINATED = "terminated", "Résilié"
    EXPIRED = "expired", "Échu"


class ContractQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The landlord's and the operator's members; city and State staff in their communes."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        condition = Q(is_member(user, "landlord")) | Q(is_member(user, "operator"))
        if user.has_territory:
            condition |= Q(
                Exists(Residence.objects.filter(operator_contracts=OuterRef("pk"), commune__in=territory_of(user)))
            )
        return self.filter(condition)

    def active_on(self, day):
        return self.filter(state=ContractState.ACTIVE, start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


class Contract(ConcurrentTransitionMixin, models.Model):
    """The contract (marché) from the winning bid. Field names are relied on by `subscriptions`:
    landlord, operator, residences (hence `lodgings()`), unit_price_ht (per dwelling per month),
    vat_rate (%), start, end, state."""

    tender = models.OneToOneField(Tender, on_delete=models.PROTECT, related_name="contract")
    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="contract")
    landlord = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="landlord_contracts", verbose_name="bailleur"
    )
    operator = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="operator_contracts", verbose_name="opérateur"
    )
    reference = models.CharField("référence", max_length=50)
    residences = models.ManyToManyField(Residence, related_name="operator_contracts", verbose_name="résidences")
    dwelling_count = models.PositiveIntegerField("logements du périmètre", default=0)
    unit_price_ht = models.DecimalField("prix par logement et par mois (HT)", max_digits=8, decimal_places=2)
    vat_rate = models.DecimalField("taux de TVA (%)", max_digits=4, decimal_places=2)
    installation_fee_ht = models.DecimalField("frais d'installation par logement (HT)", max_digits=8, decimal_places=2)
    duration_months = models.PositiveSmallIntegerField("durée (mois)")
    earliest_signature_at = models.DateTimeField("signature possible à partir du")
    start = models.DateField("début", null=True, blank=True)
    end = models.DateField("fin", null=True, blank=True)
    state = FSMField("état", choices=ContractState.choices, default=ContractState.PENDING, protected=True)
    operator_signed_on = models.DateField("signé par l'opérateur le", null=True, blank=True)
    operator_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    landlord_signed_on = models.DateField("signé par le bailleur le", null=True, blank=True)
    landlord_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_document = models.FileField(
        "marché signé", upload_to=private_upload_path, max_length=300, null=True, blank=True
    )
    signed_document_sha256 = models.CharField("empreinte SHA-256 du marché signé", max_length=64, blank=True)
    signed_at = models.DateTimeField("signature enregistrée le", null=True, blank=True)
    terminated_on = models.DateField("résilié le", null=True, blank=True)
    termination_reason = models.TextField("motif de la résiliation", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = "marché"
        verbose_name_plural = "marchés"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=models.F("start")),
                name="contract_end_after_start",
            )
        ]

    def __str__(self):
        return f"Marché {self.reference} — {self.operator}"

    def get_absolute_url(self):
        return reverse("operators:contract_detail", args=[self.pk])

    @classmethod
    def create_from_award(cls, tender):
        bid = tender.awarded_bid
        contract = cls.objects.create(
            tender=tender,
            bid=bid,
            landlord=tender.landlord,
            operator=bid.operator,
            reference=tender.reference,
            dwelling_count=tender.perimeter_dwellings,
            unit_price_ht=bid.unit_price_ht,
            vat_rate=bid.vat_rate,
            installation_fee_ht=bid.installation_fee_ht,
            duration_months=tender.duration_months,
            earliest_signature_at=tender.standstill_ends_at,
        )
        contract.residences.set(tender.residences.all())
        return contract

    def lodgings(self):
        """The dwellings of the contract's perimeter (in stock), for the rollout and subscriptions."""
        return Lodging.objects.in_stock().filter(residence__in=self.residences.all())

    @property
    def unit_price_ttc(self):
        return money(self.unit_price_ht * (1 + self.vat_rate / 100))

    def standstill_over(self, now=None):
        return (now or timezone.now()) >= self.earliest_signature_at

    def signature_errors(self, *, signed_on, now=None):
        now = now or timezone.now()
        earliest = timezone.localdate(self.earliest_signature_at)
        if not self.standstill_over(now):
            return [
                "Le délai de suspension court encore : le marché ne peut pas être signé avant le "
                f"{timezone.localtime(self.earliest_signature_at):%d/%m/%Y à %H:%M}."
            ]
        if signed_on < earliest:
            return [
                f"Une signature ne peut pas être datée d'avant la fin du délai de suspension ({earliest:%d/%m/%Y})."
            ]
        if signed_on > timezone.localdate(now):
            return ["La date de signature ne peut pas être dans le futur."]
        return []

    def _landlord_permission(self, user):
        return may_act_for(user, self.landlord_id)

    def _operator_permission(self, user):
        return may_act_for(user, self.operator_id)

    def _standstill_over(self):
        return self.standstill_over()

    def _operator_has_not_signed(self):
        return self.operator_signed_on is None

    def _operator_has_signed(self):
        return self.operator_signed_on is not None

    @fsm_log_by
    @fsm_log_description(allow_inline=True)
    @transition(
        field=state,
        source=ContractState.PENDING,
        target=ContractState.PENDING,
        conditions=[_standstill_over, _operator_has_not_signed],
        permission=_operator_permission,
        custom={
            "label": "Enregistrer la signature de l'opérateur",
            "url_name": "operators:contract_operator_sign",
            "form": True,
        },
    )
    def operator_sign(self, *, by, signed_on, description=None):
        errors = self.signature_errors(signed_on=signed_on)
        if errors:
            raise ValidationError(errors)
        self.operator_signed_on = signed_on
        self.operator_signed_by = by
        if description is not None:
            description.set(f"Signature de l'opérateur du {signed_on:%d/%m/%Y}")

    @fsm_log_by
    @transition(
        field=state,
        source=ContractState.PENDING,
        target=ContractState.ACTIVE,
        conditions=[_standstill_over, _operator_has_signed],
        permission=_landlord_permission,
        custom={"label": "Signer le marché", "url_name": "operators:contract_sign", "form": True},
    )
    def sign(self, *, by, signed_on, document, start=None):
        """The landlord signs last and records the signed document; the contract starts."""
        errors = self.signature_errors(signed_on=signed_on)
        if signed_on < self.operator_signed_on:
            errors.append("Le bailleur signe après l'opérateur : vérifiez la date.")
        if not document:
            errors.append("Déposez le marché signé des deux parties.")
        if errors:
            raise ValidationError(errors)
        self.landlord_signed_on = signed_on
        self.landlord_signed_by = by
        self.signed_document = document
        self.signed_at = timezone.now()
        self.start = start or signed_on
        self.end = add_months(self.start, self.duration_months) - datetime.timedelta(days=1)

    @fsm_log_by
    @fsm_log_description(allow_inline=True)
    @transition(
        field=state,
        source=ContractState.ACTIVE,
        target=ContractState.TERMINATED,
        permission=_landlord_permission,
        custom={"label": "Résilier", "url_name": "operators:contract_terminate", "form": True, "danger": True},
    )
    def terminate(self, *, by, on, reason, description=None):
        if not reason.strip():
            raise ValidationError("Indiquez le motif de la résiliation.")
        self.terminated_on = on
        self.termination_reason = reason.strip()
        if self.end is None or on < self.end:
            self.end = on
        if description is not None:
            description.set(reason[:250])

    def _ended(self):
        return self.end is not None and self.end < timezone.localdate()

    @fsm_log_by
    @transition(
        field=state,
        source=ContractState.ACTIVE,
        target=ContractState.EXPIRED,
        conditions=[_ended],
        custom={"hidden": True},
    )
    def expire(self, *, by=None):
        """Set by run_deadlines the day after the end date."""


# ---------------------------------------------------------------------------------------------
# Open data


class ImmutableRelease(Exception):
    """A published OCDS release is final: the open data keeps what was said at the time."""


class ReleaseQuerySet(models.QuerySet):
    def published(self):
        """The releases of published tenders (every release is, by construction: drafts have none)."""
        return self.filter(tender__state__in=PUBLIC_TENDER_STATES)

    def update(self, **kwargs):
        raise ImmutableRelease("Une publication OCDS est définitive : elle ne peut pas être modifiée.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise ImmutableRelease("Une publication OCDS est définitive : elle ne peut pas être modifiée.")

    def delete(self):
        raise ImmutableRelease("Une publication OCDS est définitive : elle ne peut pas être supprimée.")


class Release(models.Model):
    """An OCDS 1.1.5 release: one event of a tender (tender, amendment, opening, award, contract),
    built from the objects as they stood when it happened (`releases.record_release`) and never
    regenerated: saving an existing row, updating or deleting refuses (ImmutableRelease)."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="releases")
    ocid = models.CharField("ocid", max_length=120, db_index=True)
    release_id = models.CharField("identifiant de la publication", max_length=200, unique=True)
    tag = models.CharField("étiquette", max_length=40)
    date = models.DateTimeField("date")
    data = models.JSONField("publication OCDS")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        verbose_name = "publication OCDS"
        verbose_name_plural = "publications OCDS"
        ordering = ["date", "pk"]

    def __str__(self):
        return self.release_id

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRelease("Une publication OCDS est définitive : elle ne peut pas être modifiée.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRelease("Une publication OCDS est définitive : elle ne peut pas être supprimée.")


def ensure_rules_seeded():
    """The rules seeded by migration 0002, again (idempotent): for a database flushed after the
    migrations ran (the demo on an emptied database, tests that truncate tables)."""
    import importlib

    from django.apps import apps

    if not ProcurementRule.objects.exists():
        importlib.import_module("operators.migrations.0002_procurement_rules").seed(apps, None)
