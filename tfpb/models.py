"""TFPB abatement conventions, yearly programmes of actions and their annual reports (domain.md §3).

CGI art. 1388 bis: a social landlord gets 30 % off the property-tax base of its dwellings in a
QPV when it signed, with the commune, the EPCI and the préfet, a convention annexed to the
contrat de ville. Every year it sends them the amount of the abatement and the follow-up of the
actions it financed (the bilan); the State compensates the communes for only part of the lost
tax, so the city reads these reports closely.
"""

import calendar
import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django_fsm import GET_STATE, ConcurrentTransition, ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from accounts.models import Organization, Role, Versioned, is_member
from leases.models import Lodging, Qpv

EDITORS = (Role.ADMIN, Role.MEMBER)
ZERO = Decimal("0.00")


def claim(obj):
    """Take the turn on a shared object before a transition changes it.

    ConcurrentTransitionMixin guards the state column only, but some transitions keep the state
    (a party signs while others have not yet; a reviewer validates while others still review):
    two such transitions at once could each miss the other's row and nobody would make the last
    move. Bumping the version with a guarded UPDATE serialises them (in PostgreSQL the UPDATE
    holds the row lock until commit): the loser gets ConcurrentTransition, which
    accounts.transitions.run_transition turns into a clear message.
    """
    if not type(obj).objects.filter(pk=obj.pk, version=obj.version).update(version=F("version") + 1):
        raise ConcurrentTransition("Objet modifié entre-temps.")
    obj.version += 1


class Axis(models.Model):
    """A national axis of the cadre national d'utilisation de l'abattement de TFPB (29 April 2015,
    amended 30 September 2021). Kept as data, seeded by a migration: a new national text may
    change the list (domain.md §3)."""

    number = models.PositiveSmallIntegerField("numéro", unique=True)
    label = models.CharField("intitulé", max_length=200)
    is_active = models.BooleanField("en vigueur", default=True)

    class Meta:
        verbose_name = "axe national"
        verbose_name_plural = "axes nationaux"
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.label}"


class ActionLineQuerySet(models.QuerySet):
    def for_convention(self, convention):
        """The lines shared by every convention, and those this convention added."""
        return self.filter(Q(convention__isnull=True) | Q(convention=convention))


class ActionLine(models.Model):
    """A local action line under a national axis, agreed by the signatories.

    No national axis names connectivity: "writing connection access into the conventions" is the
    shared local line of code `connectivity` (seeded under axis 7), which the subscriptions data
    values. A convention may add its own lines (`convention` set).
    """

    CONNECTIVITY = "connectivity"

    axis = models.ForeignKey(Axis, on_delete=models.PROTECT, related_name="lines", verbose_name="axe")
    convention = models.ForeignKey(
        "Convention", on_delete=models.CASCADE, null=True, blank=True, related_name="local_lines"
    )
    label = models.CharField("intitulé", max_length=200)
    code = models.CharField("code", max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActionLineQuerySet.as_manager()

    class Meta:
        verbose_name = "ligne d'action locale"
        verbose_name_plural = "lignes d'action locales"
        ordering = ["axis__number", "label"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="unique_action_line_code"),
            models.UniqueConstraint(fields=["convention", "axis", "label"], name="unique_action_line_label"),
        ]

    def __str__(self):
        return f"{self.axis.number}. {self.axis.label} › {self.label}"

    @property
    def is_connectivity(self):
        return self.code == self.CONNECTIVITY


class SignatureDeadlineRule(models.Model):
    """By when a convention must be signed, as data (CGI art. 1388 bis; domain.md §3 [check]).

    The general rule has no `first_year`: signed before 1 October of the year before the first
    year of application, i.e. by 30 September (`years_before`=1, month 9, day 30). A row with a
    `first_year` is an exception for conventions starting that year (2025: 31 March 2025).
    `to_check` marks a rule not yet confirmed on Légifrance; the screens say so.
    """

    first_year = models.PositiveSmallIntegerField("première année d'application concernée", null=True, blank=True)
    years_before = models.PositiveSmallIntegerField("années avant la première année d'application", default=1)
    last_month = models.PositiveSmallIntegerField("mois du dernier jour")
    last_day = models.PositiveSmallIntegerField("dernier jour")
    description = models.CharField("règle", max_length=300)
    to_check = models.BooleanField("à vérifier", default=True)

    class Meta:
        verbose_name = "règle de date limite de signature"
        verbose_name_plural = "règles de date limite de signature"
        ordering = ["first_year"]
        constraints = [
            models.UniqueConstraint(fields=["first_year"], name="unique_deadline_rule_year"),
        ]

    def __str__(self):
        return self.description

    @classmethod
    def for_first_year(cls, year):
        """The exception for `year` if there is one, else the general rule (None if no rule is loaded)."""
        rules = list(cls.objects.filter(Q(first_year=year) | Q(first_year__isnull=True)))
        return next((r for r in rules if r.first_year == year), None) or next(iter(rules), None)

    def last_signing_day(self, first_year):
        """The last day a convention whose first year of application is `first_year` may be signed."""
        return datetime.date(first_year - self.years_before, self.last_month, self.last_day)


class ConventionState(models.TextChoices):
    """A convention is drafted by the landlord, then each party signs for itself (an admin of that
    party); the last signature makes it signed by all. It comes into force on 1 January of its
    first year of application and ends after its last year (both by `run_deadlines`)."""

    DRAFT = "draft", "Brouillon"
    SIGNED = "signed", "Signée par toutes les parties"
    IN_FORCE = "in_force", "En vigueur"
    ENDED = "ended", "Terminée"


class PartyRole(models.TextChoices):
    LANDLORD = "landlord", "Bailleur social"
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "EPCI"
    STATE = "state", "État"


class ConventionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The members of its parties (the landlord, the communes, the EPCI, the State); nobody else."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(
            Exists(ConventionParty.objects.filter(is_member(user, "organization"), convention=OuterRef("pk")))
        )


class Convention(ConcurrentTransitionMixin, Versioned):
    """The convention annexed to the contrat de ville (CGI art. 1388 bis), multi-year since 2021."""

    landlord = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="tfpb_conventions", verbose_name="bailleur"
    )
    reference = models.CharField("référence", max_length=100, blank=True)
    qpvs = models.ManyToManyField(Qpv, related_name="tfpb_conventions", verbose_name="QPV couverts")
    start_year = models.PositiveSmallIntegerField("première année d'application", default=2025)
    end_year = models.PositiveSmallIntegerField("dernière année d'application", default=2030)
    # The bilan of year N is due on this day of year N+1 (each convention sets its own).
    report_due_month = models.PositiveSmallIntegerField("mois de remise du bilan (année suivante)", default=6)
    report_due_day = models.PositiveSmallIntegerField("jour de remise du bilan", default=30)
    state = FSMField("état", choices=ConventionState.choices, default=ConventionState.DRAFT, protected=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = "convention d'abattement de TFPB"
        verbose_name_plural = "conventions d'abattement de TFPB"
        ordering = ["-start_year", "landlord__name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=F("start_year")), name="convention_period_order"),
        ]

    def __str__(self):
        name = self.reference or f"Convention {self.start_year}-{self.end_year}"
        return f"{name} — {self.landlord}"

    def get_absolute_url(self):
        return reverse("tfpb:convention_detail", args=[self.pk])

    @property
    def years(self):
        return list(range(self.start_year, self.end_year + 1))

    @property
    def is_editable(self):
        """Its content (parties, QPV, period) changes only before anyone signed."""
        return self.state == ConventionState.DRAFT and not any(p.signed_on for p in self.parties.all())

    def signature_rule(self):
        return SignatureDeadlineRule.for_first_year(self.start_year)

    def signature_deadline(self):
        rule = self.signature_rule()
        return rule.last_signing_day(self.start_year) if rule else None

    def signed_on(self):
        """The date of the last signature, once every party signed."""
        dates = [p.signed_on for p in self.parties.all()]
        return max(dates) if dates and all(dates) else None

    def signed_on_time(self):
        """True/False once signed by all, None before (or when no rule is loaded)."""
        deadline, signed_on = self.signature_deadline(), self.signed_on()
        if deadline is None or signed_on is None:
            return None
        return signed_on <= deadline

    def all_signed(self):
        return not self.parties.filter(signed_on__isnull=True).exists()

    def parties_to_sign_by(self, user):
        """The parties not yet signed whose admin `user` is (each party signs for itself)."""
        return [p for p in self.parties.all() if not p.signed_on and user.is_admin_of(p.organization_id)]

    def reviewing_parties(self):
        return [p for p in self.parties.all() if p.reviews_reports]

    def can_edit(self, user):
        """The landlord's admins and members draft the convention and its programmes."""
        return user.has_role(self.landlord_id, *EDITORS)

    def can_add_lines(self, user):
        return self.state != ConventionState.ENDED and any(
            user.has_role(p.organization_id, *EDITORS) for p in self.parties.all()
        )

    def report_due_date(self, year):
        """The bilan of `year` is due on the convention's day of year+1 (29 February falls back to the 28th)."""
        due_year = year + 1
        day = min(self.report_due_day, calendar.monthrange(due_year, self.report_due_month)[1])
        return datetime.date(due_year, self.report_due_month, day)

    def can_open_report(self, year, today=None):
        """Once signed by all, for a year of the period up to next year (programmes are planned ahead)."""
        today = today or timezone.localdate()
        return self.state != ConventionState.DRAFT and year in self.years and year <= today.year + 1

    def _next_after_signature(self, **kwargs):
        return ConventionState.SIGNED if self.all_signed() else ConventionState.DRAFT

    @fsm_log_by
    @fsm_log_description(allow_inline=True)
    @transition(
        field=state,
        source=ConventionState.DRAFT,
        target=GET_STATE(_next_after_signature, states=[ConventionState.DRAFT, ConventionState.SIGNED]),
        permission=lambda self, user: bool(self.parties_to_sign_by(user)),
        custom={"label": "Signer la convention", "form": True},
    )
    def sign(self, *, by, signed_on, description=None):
        """`by` signs for the first of its parties not yet signed, on the paper's date `signed_on`."""
        if signed_on > timezone.localdate():
            raise ValidationError("La date de signature ne peut pas être dans le futur.")
        parties = self.parties_to_sign_by(by)
        if not parties:
            raise ValidationError("Votre organisation a déjà signé cette convention.")
        claim(self)
        party = parties[0]
        party.signed_on, party.signed_by, party.signed_at = signed_on, by, timezone.now()
        party.save(update_fields=["signed_on", "signed_by", "signed_at"])
        description.set(f"Signature de {party.organization} datée du {signed_on:%d/%m/%Y}")

    @fsm_log_by
    @transition(
        field=state,
        source=ConventionState.SIGNED,
        target=ConventionState.IN_FORCE,
        permission=lambda self, user: False,  # run_deadlines, on 1 January of the first year
        custom={"hidden": True},
    )
    def bring_into_force(self, *, by=None):
        pass

    @fsm_log_by
    @transition(
        field=state,
        source=ConventionState.IN_FORCE,
        target=ConventionState.ENDED,
        permission=lambda self, user: False,  # run_deadlines, after the last year
        custom={"hidden": True},
    )
    def end(self, *, by=None):
        pass


class ConventionParty(models.Model):
    """A signatory of a convention: the landlord, a commune, the EPCI or the State."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="parties")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="tfpb_parties", verbose_name="organisation"
    )
    role = models.CharField("qualité", max_length=10, choices=PartyRole.choices)
    reviews_reports = models.BooleanField("examine les bilans", default=False)
    signed_on = models.DateField("signée le", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField("signature enregistrée le", null=True, blank=True)

    class Meta:
        verbose_name = "partie à la convention"
        verbose_name_plural = "parties à la convention"
        ordering = ["convention", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "organization"], name="unique_convention_party"),
        ]

    def __str__(self):
        return f"{self.organization} ({self.get_role_display()})"

    def signed_on_time(self, deadline):
        if deadline is None or self.signed_on is None:
            return None
        return self.signed_on <= deadline


class ReportState(models.TextChoices):
    """The landlord drafts its yearly report (bilan) and submits it to the reviewing parties (the
    communes, the EPCI, the State). Each gives its own opinion: any one of them may return it with
    comments; the landlord corrects and resubmits; it is validated when all of them validated the
    same submission. Submitted, it is frozen until returned."""

    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Transmis"
    RETURNED = "returned", "Renvoyé avec observations"
    RESUBMITTED = "resubmitted", "Transmis à nouveau"
    VALIDATED = "validated", "Validé"


EDITABLE_STATES = (ReportState.DRAFT, ReportState.RETURNED)
REVIEW_STATES = (ReportState.SUBMITTED, ReportState.RESUBMITTED)


class FrozenReport(ValidationError):
    def __init__(self):
        super().__init__(
            "Ce bilan a été transmis : il ne peut plus être modifié, sauf s'il vous est renvoyé avec des observations."
        )


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(convention__in=Convention.objects.visible_to(user))


class Report(ConcurrentTransitionMixin, Versioned):
    """The yearly report (bilan) of one convention: its programmes per QPV and their actions."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField("année")
    state = FSMField("état", choices=ReportState.choices, default=ReportState.DRAFT, protected=True)
    # Each submission opens a review round; opinions count for the round they were given in.
    round = models.PositiveSmallIntegerField("transmission n°", default=0)
    submitted_at = models.DateTimeField("transmis le", null=True, blank=True)
    validated_at = models.DateTimeField("validé le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = "bilan annuel"
        verbose_name_plural = "bilans annuels"
        ordering = ["convention", "year"]
        constraints = [models.UniqueConstraint(fields=["convention", "year"], name="unique_report_year")]

    def __str__(self):
        return f"Bilan {self.year} — {self.convention.landlord}"

    def get_absolute_url(self):
        return reverse("tfpb:report_detail", args=[self.pk])

    @property
    def is_editable(self):
        return self.state in EDITABLE_STATES

    @property
    def is_under_review(self):
        return self.state in REVIEW_STATES

    @property
    def due_date(self):
        return self.convention.report_due_date(self.year)

    def is_late(self, today=None):
        today = today or timezone.localdate()
        return self.is_editable and today > self.due_date

    @classmethod
    @transaction.atomic
    def open(cls, *, convention, year):
        """The report of `year`, created with one programme per QPV of the convention if missing."""
        if not convention.can_open_report(year):
            raise ValidationError(
                f"Le programme {year} ne peut pas être ouvert : la convention doit être signée et couvrir cette "
                "année, au plus tard l'an prochain."
            )
        report, created = cls.objects.get_or_create(convention=convention, year=year)
        if created:
            for qpv in convention.qpvs.all():
                programme = Programme(report=report, qpv=qpv)
                programme.refresh_dwellings()
                programme.save()
        return report

    def guard_editable(self):
        """Refuse any change to the content of a report that is not a draft (or returned).

        One UPDATE checks the state and, in PostgreSQL, holds the report's row lock until commit:
        an edit racing a submission either lands before it (and is submitted) or sees it and fails.
        """
        if not Report.objects.filter(pk=self.pk, state__in=EDITABLE_STATES).update(state=F("state")):
            raise FrozenReport

    def problems(self):
        """What prevents submitting, in French (empty when the report may be submitted)."""
        problems = []
        for programme in self.programmes.all():
            qpv = programme.qpv.code
            if programme.abatement_amount is None:
                problems.append(f"{qpv} : saisissez le montant de l'abattement (avis de taxe foncière).")
            for action in programme.actions.all():
                if action.realised_amount is None:
                    problems.append(f"{qpv} : indiquez le montant réalisé de l'action « {action.title} ».")
                elif action.needs_override_reason:
                    problems.append(
                        f"{qpv} : expliquez pourquoi le montant réalisé de « {action.title} » "
                        "diffère du montant proposé."
                    )
        return problems

    def _check_complete(self):
        problems = self.problems()
        if problems:
            raise ValidationError(["Le bilan ne peut pas encore être transmis."] + problems)

    def reviewing_parties(self):
        return self.convention.reviewing_parties()

    def current_reviews(self):
        return [r for r in self.reviews.all() if r.round == self.round]

    def pending_parties(self):
        reviewed = {r.party_id for r in self.current_reviews()}
        return [p for p in self.reviewing_parties() if p.pk not in reviewed]

    def reviewer_parties_of(self, user):
        """The reviewing parties in which `user` may give the opinion (admin or member)."""
        return [p for p in self.reviewing_parties() if user.has_role(p.organization_id, *EDITORS)]

    def pending_party_for(self, user):
        """The first reviewing party of `user` that has not yet given its opinion on this submission."""
        pending = {p.pk for p in self.pending_parties()}
        return next((p for p in self.reviewer_parties_of(user) if p.pk in pending), None)

    def all_validated(self):
        validated = set(
            self.reviews.filter(round=self.round, decision=Decision.VALIDATED).values_list("party_id", flat=True)
        )
        return all(p.pk in validated for p in self.reviewing_parties())

    def _after_validation(self, **kwargs):
        return ReportState.VALIDATED if self.all_validated() else self.state

    def _review(self, by, decision, comment=""):
        party = self.pending_party_for(by)
        if party is None:
            raise ValidationError("Votre organisation a déjà donné son avis sur cette transmission du bilan.")
        claim(self)
        return ReportReview.objects.create(
            report=self, party=party, round=self.round, decision=decision, comment=comment, by=by
        )

    def _notify(self, event):
        from .emails import send_report_news

        transaction.on_commit(lambda: send_report_news(report_pk=self.pk, event=event))

    def totals(self):
        """{'abatement', 'planned', 'realised', 'connectivity', 'dwellings', 'ratio'} over its programmes."""
        return totals_of(Programme.objects.filter(report=self).with_totals())

    @fsm_log_by
    @transition(
        field=state,
        source=ReportState.DRAFT,
        target=ReportState.SUBMITTED,
        permission=lambda self, user: self.convention.can_edit(user),
        custom={"label": "Transmettre le bilan"},
    )
    def submit(self, *, by):
        self._check_complete()
        claim(self)
        self.round += 1
        self.submitted_at = timezone.now()
        self._notify("submitted")

    @fsm_log_by
    @transition(
        field=state,
        source=ReportState.RETURNED,
        target=ReportState.RESUBMITTED,
        permission=lambda self, user: self.convention.can_edit(user),
        custom={"label": "Transmettre à nouveau"},
    )
    def resubmit(self, *, by):
        self._check_complete()
        claim(self)
        self.round += 1
        self.submitted_at = timezone.now()
        self._notify("resubmitted")

    @fsm_log_by
    @fsm_log_description(allow_inline=True)
    @transition(
        field=state,
        source=list(REVIEW_STATES),
        target=GET_STATE(_after_validation, states=[*REVIEW_STATES, ReportState.VALIDATED]),
        permission=lambda self, user: self.pending_party_for(user) is not None,
        custom={"label": "Valider le bilan"},
    )
    def validate(self, *, by, description=None):
        review = self._review(by, Decision.VALIDATED)
        description.set(f"Avis de {review.party.organization} : validé")
        if self.all_validated():
            self.validated_at = timezone.now()
            self._notify("validated")

    @fsm_log_by
    @fsm_log_description(allow_inline=True)
    @transition(
        field=state,
        source=list(REVIEW_STATES),
        target=ReportState.RETURNED,
        permission=lambda self, user: self.pending_party_for(user) is not None,
        custom={"label": "Renvoyer au bailleur", "form": True, "url_name": "tfpb:report_send_back"},
    )
    def send_back(self, *, by, comment, line_comments=None, description=None):
        """Any reviewing party returns the report; `line_comments` maps action pk -> comment."""
        if not comment.strip():
            raise ValidationError("Expliquez au bailleur ce qu'il doit corriger.")
        review = self._review(by, Decision.RETURNED, comment.strip())
        actions = {a.pk for a in Action.objects.filter(programme__report=self)}
        ActionComment.objects.bulk_create(
            [
                ActionComment(review=review, action_id=pk, text=text.strip())
                for pk, text in (line_comments or {}).items()
                if pk in actions and text.strip()
            ]
        )
        description.set(f"Renvoyé par {review.party.organization}")
        self._notify("returned")


class ReportContent(Versioned):
    """Programmes and actions: edited through versioned forms, frozen with their report.

    The freeze lives here, not in the forms (issue 7): every save or delete first asks the report
    whether it is still editable, in the same transaction.
    """

    class Meta:
        abstract = True

    def report_pk(self):
        raise NotImplementedError

    def guard(self):
        Report(pk=self.report_pk()).guard_editable()

    def save(self, *args, **kwargs):
        with transaction.atomic():
            self.guard()
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            self.guard()
            return super().delete(*args, **kwargs)

    def save_if_current(self, expected_version, fields):
        with transaction.atomic():
            self.guard()
            super().save_if_current(expected_version, fields)


class ProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(report__in=Report.objects.visible_to(user))

    def with_totals(self):
        """Planned and realised amounts of the actions, and what went to connectivity (one query)."""
        connectivity = Q(actions__line__code=ActionLine.CONNECTIVITY)
        return self.annotate(
            planned_total=Coalesce(Sum("actions__planned_amount"), ZERO),
            realised_total=Coalesce(Sum("actions__realised_amount"), ZERO),
            connectivity_total=Coalesce(Sum("actions__realised_amount", filter=connectivity), ZERO),
            action_count=Count("actions"),
        )


def totals_of(programmes):
    """Sums over programmes annotated by `with_totals()`, and the share of the abatement valued."""
    totals = {
        "abatement": sum((p.abatement_amount or ZERO for p in programmes), ZERO),
        "planned": sum((p.planned_total for p in programmes), ZERO),
        "realised": sum((p.realised_total for p in programmes), ZERO),
        "connectivity": sum((p.connectivity_total for p in programmes), ZERO),
        "dwellings": sum(p.dwellings_count for p in programmes),
    }
    totals["ratio"] = ratio(totals["realised"], totals["abatement"])
    return totals


def ratio(valued, abatement):
    """Valued actions as a percentage of the abatement (None when no abatement is known)."""
    return valued / abatement * 100 if abatement else None


class Programme(ReportContent):
    """The programme of one convention for one QPV and one year: the abatement and its actions."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="programmes")
    qpv = models.ForeignKey(Qpv, on_delete=models.PROTECT, related_name="tfpb_programmes", verbose_name="QPV")
    abatement_amount = models.DecimalField(
        "montant de l'abattement (€)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    dwellings_count = models.PositiveIntegerField("logements du bailleur dans le QPV", default=0)
    dwellings_counted_on = models.DateField("logements comptés le", null=True, blank=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = "programme d'actions"
        verbose_name_plural = "programmes d'actions"
        ordering = ["report", "qpv__code"]
        constraints = [models.UniqueConstraint(fields=["report", "qpv"], name="unique_programme_qpv")]

    def __str__(self):
        return f"Programme {self.report.year} — {self.qpv}"

    def get_absolute_url(self):
        return f"{self.report.get_absolute_url()}#programme-{self.pk}"

    def report_pk(self):
        return self.report_id

    @property
    def ratio(self):
        """Needs `with_totals()`."""
        return ratio(self.realised_total, self.abatement_amount)

    def refresh_dwellings(self, today=None):
        """The landlord's dwellings in stock in this QPV, counted from the housing stock."""
        self.dwellings_count = (
            Lodging.objects.filter(landlord_id=self.report.convention.landlord_id, qpv=self.qpv).in_stock().count()
        )
        self.dwellings_counted_on = today or timezone.localdate()


class Action(ReportContent):
    """An action of a programme, valued in euros against the abatement."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="actions")
    axis = models.ForeignKey(Axis, on_delete=models.PROTECT, related_name="actions", verbose_name="axe")
    line = models.ForeignKey(
        ActionLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="ligne d'action locale",
    )
    title = models.CharField("action", max_length=200)
    description = models.TextField("description", blank=True)
    planned_amount = models.DecimalField("montant prévu (€)", max_digits=12, decimal_places=2)
    realised_amount = models.DecimalField("montant réalisé (€)", max_digits=12, decimal_places=2, null=True, blank=True)
    dwellings_concerned = models.PositiveIntegerField("logements concernés", null=True, blank=True)
    indicators = models.TextField("indicateurs", blank=True)
    # Connectivity line only: what the application proposed from the subscriptions data when the
    # landlord last saved the action, the calculation shown, and why the landlord chose otherwise.
    proposed_amount = models.DecimalField("montant proposé (€)", max_digits=12, decimal_places=2, null=True, blank=True)
    proposal_lines = models.JSONField("calcul proposé", default=list, blank=True)
    override_reason = models.TextField("motif de l'écart au montant proposé", blank=True)

    class Meta:
        verbose_name = "action"
        verbose_name_plural = "actions"
        ordering = ["programme", "axis__number", "pk"]

    def __str__(self):
        return self.title

    def report_pk(self):
        return Programme.objects.filter(pk=self.programme_id).values_list("report_id", flat=True).first()

    @property
    def is_connectivity(self):
        return self.line is not None and self.line.is_connectivity

    @property
    def needs_override_reason(self):
        return (
            self.proposed_amount is not None
            and self.realised_amount is not None
            and self.realised_amount != self.proposed_amount
            and not self.override_reason.strip()
        )

    def record_proposal(self, breakdown):
        """Keep what the application proposed (`breakdown` from tfpb.valuation), None when unknown."""
        if breakdown is None:
            self.proposed_amount, self.proposal_lines = None, []
        else:
            self.proposed_amount = breakdown.total
            self.proposal_lines = [[label, str(amount)] for label, amount in breakdown.lines]


class Decision(models.TextChoices):
    VALIDATED = "validated", "Validé"
    RETURNED = "returned", "Renvoyé avec observations"


class ReportReview(models.Model):
    """The opinion of one reviewing party on one submission of a report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reviews")
    party = models.ForeignKey(ConventionParty, on_delete=models.CASCADE, related_name="reviews")
    round = models.PositiveSmallIntegerField("transmission n°")
    decision = models.CharField("avis", max_length=10, choices=Decision.choices)
    comment = models.TextField("observations", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "avis sur un bilan"
        verbose_name_plural = "avis sur les bilans"
        ordering = ["report", "round", "at"]
        constraints = [
            models.UniqueConstraint(fields=["report", "party", "round"], name="unique_review_per_round"),
        ]

    def __str__(self):
        return f"{self.party.organization} : {self.get_decision_display()} (transmission n° {self.round})"


class ActionComment(models.Model):
    """A reviewer's comment on one action line, made when returning the report."""

    review = models.ForeignKey(ReportReview, on_delete=models.CASCADE, related_name="action_comments")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="comments")
    text = models.TextField("observation")

    class Meta:
        verbose_name = "observation sur une action"
        verbose_name_plural = "observations sur les actions"
        ordering = ["review__at", "pk"]

    def __str__(self):
        return self.text[:80]


class ReminderKind(models.TextChoices):
    DUE_IN_30 = "due_30", "Échéance dans 30 jours"
    DUE_IN_7 = "due_7", "Échéance dans 7 jours"
    OVERDUE = "overdue", "Échéance dépassée"


class ReportReminder(models.Model):
    """A reminder sent about the bilan of one year: one row per kind keeps run_deadlines idempotent."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="reminders")
    year = models.PositiveSmallIntegerField("année du bilan")
    kind = models.CharField("relance", max_length=10, choices=ReminderKind.choices)
    sent_at = models.DateTimeField("envoyée le", default=timezone.now)
    recipients = models.PositiveIntegerField("destinataires", default=0)

    class Meta:
        verbose_name = "relance de bilan"
        verbose_name_plural = "relances de bilan"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "year", "kind"], name="unique_report_reminder"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — bilan {self.year}"
