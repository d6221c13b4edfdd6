"""The housing stock, dwelling by dwelling (domain.md §5-7).

Everything else counts dwellings: which exist, in which QPV, which are equipped, which are let.
"""

from django.conf import settings
from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by

from accounts.models import Organization, is_member, territory_of
from accounts.registry import extra_visibility


class QpvQuerySet(models.QuerySet):
    def in_territory_of(self, user):
        """The QPV lying (at least partly) in the communes of the user's city or State organisation."""
        return self.filter(Exists(QpvCommune.objects.filter(qpv=OuterRef("pk"), insee_code__in=territory_of(user))))


class Qpv(models.Model):
    """A priority neighbourhood (quartier prioritaire de la politique de la ville), 2024 geography.

    Code `QN` + department on 3 characters + 2 digits + a letter (QN08604M). Public referential
    published by the ANCT under the Licence Ouverte: everyone may see it.
    """

    code = models.CharField("code", max_length=8, unique=True)
    name = models.CharField("nom", max_length=200)

    objects = QpvQuerySet.as_manager()

    class Meta:
        verbose_name = "quartier prioritaire (QPV)"
        verbose_name_plural = "quartiers prioritaires (QPV)"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def insee_codes(self):
        return sorted(c.insee_code for c in self.communes.all())


class QpvCommune(models.Model):
    """A commune a QPV lies in (a QPV may span several: Trois Cités is in Poitiers and Saint-Benoît)."""

    qpv = models.ForeignKey(Qpv, on_delete=models.CASCADE, related_name="communes")
    insee_code = models.CharField("code INSEE", max_length=5, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["qpv", "insee_code"], name="unique_qpv_commune")]

    def __str__(self):
        return f"{self.qpv.code} — {self.insee_code}"


class FibreState(models.TextChoices):
    """FttH deployment state of a building, as ARCEP publishes it (`imb_etat`, domain.md §7)."""

    UNKNOWN = "", "Inconnu"
    TARGET = "cible", "Cible"
    SIGNED = "signe", "Convention signée"
    DEPLOYING = "en cours de deploiement", "En cours de déploiement"
    ON_REQUEST = "raccordable demande", "Raccordable sur demande"
    DEPLOYED = "deploye", "Déployé"
    ABANDONED = "abandonne", "Abandonné"


FIBRE_READY_STATES = (FibreState.DEPLOYED, FibreState.ON_REQUEST)


class MatchConfidence(models.IntegerChoices):
    """How sure the match of a residence to an ARCEP building is (leases/fibre.py), as a percentage."""

    HIGH = 100, "Élevée : même numéro, même voie"
    MEDIUM = 60, "Moyenne : même voie, autre numéro"
    LOW = 30, "Faible : même nom de voie, autre type de voie"


class StockQuerySet(models.QuerySet):
    """visible_to shared by residences and lodgings, both owned by a landlord and set in a commune."""

    commune_field = "commune"

    def visible_to(self, user):
        """The landlord's members see its stock; city and State staff the stock in their communes;
        operators what a higher app (tenders, contracts) registers for them."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        condition = Q(is_member(user, "landlord")) | Q(**{f"{self.commune_field}__in": territory_of(user)})
        for extra in extra_visibility(self.model._meta.label, user):
            condition |= extra
        return self.filter(condition)

    def editable_by(self, user):
        """What `user` may change: its own landlord's stock, as admin or member."""
        return self.filter(is_member(user, "landlord", roles=["admin", "member"]))


class ResidenceQuerySet(StockQuerySet):
    def with_counts(self):
        return self.annotate(
            lodging_count=Count("lodgings", filter=Q(lodgings__exit_reason=""), distinct=True),
            equipped_count=Count(
                "lodgings",
                filter=Q(lodgings__exit_reason="", lodgings__equipment_status=EquipmentStatus.BOX),
                distinct=True,
            ),
        )

    def with_rates(self):
        """with_counts() plus `equipped_rate`: the share (0-100) of dwellings in stock with a box, None if none."""
        return self.with_counts().annotate(
            equipped_rate=Case(
                When(lodging_count=0, then=None),
                default=ExpressionWrapper(F("equipped_count") * 100.0 / F("lodging_count"), output_field=FloatField()),
            )
        )

    def fibre_ready(self):
        return self.filter(fibre_state__in=FIBRE_READY_STATES)


class Residence(models.Model):
    """A landlord's building group or programme; its dwellings share an address and a QPV."""

    landlord = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="residences")
    # How the import recognises the same residence again (normalised programme/building + address).
    group_key = models.CharField(max_length=300)
    name = models.CharField("nom", max_length=200)
    address = models.CharField("adresse", max_length=300, blank=True)
    postcode = models.CharField("code postal", max_length=5, blank=True)
    commune = models.CharField("commune (INSEE)", max_length=5, db_index=True)
    commune_name = models.CharField("commune", max_length=100, blank=True)
    qpv = models.ForeignKey(
        Qpv, on_delete=models.PROTECT, null=True, blank=True, related_name="residences", verbose_name="QPV"
    )
    fibre_state = models.CharField(
        "état de la fibre (ARCEP)", max_length=30, choices=FibreState.choices, default="", blank=True
    )
    fibre_building_id = models.CharField("identifiant d'immeuble ARCEP", max_length=40, blank=True)
    fibre_match_confidence = models.PositiveSmallIntegerField("confiance du rapprochement (%)", null=True, blank=True)
    fibre_updated_at = models.DateTimeField("état de la fibre mis à jour le", null=True, blank=True)

    objects = ResidenceQuerySet.as_manager()

    class Meta:
        verbose_name = "résidence"
        verbose_name_plural = "résidences"
        ordering = ["commune_name", "name"]
        constraints = [models.UniqueConstraint(fields=["landlord", "group_key"], name="unique_residence_group_key")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("leases:residence_detail", args=[self.pk])

    @property
    def is_fibre_ready(self):
        return self.fibre_state in FIBRE_READY_STATES

    @property
    def fibre_confidence_label(self):
        """ "Élevée : …" for the stored percentage; "Non rapprochée" when no building matched."""
        if self.fibre_match_confidence is None:
            return "Non rapprochée"
        for level in sorted(MatchConfidence, reverse=True):
            if self.fibre_match_confidence >= level:
                return level.label
        return f"{self.fibre_match_confidence} %"


class StockStateError(Exception):
    """An action that does not fit the dwelling's state (already left the stock…); French message."""


class ExitReason(models.TextChoices):
    NONE = "", "Dans le parc"
    SOLD = "sold", "Vendu"
    DEMOLISHED = "demolished", "Démoli"
    OTHER = "other", "Sorti du parc (autre motif)"


class ConstructionType(models.TextChoices):
    """TYPECONST of the RPLS."""

    INDIVIDUAL = "I", "Individuel"
    COLLECTIVE = "C", "Collectif"
    STUDENT = "E", "Étudiant"


class EquipmentStatus(models.TextChoices):
    """What a dwelling has, derived from its dated equipment events (latest effective date wins)."""

    NONE = "none", "Non équipé"
    OUTLET = "outlet", "Prise fibre présente"
    BOX = "box", "Box installée"


class LodgingQuerySet(StockQuerySet):
    def in_stock(self):
        """Dwellings that have not left the stock (sold, demolished)."""
        return self.filter(exit_reason="")

    def equipped(self):
        return self.filter(equipment_status=EquipmentStatus.BOX)

    def let_on(self, day=None):
        day = day or timezone.localdate()
        return self.filter(Exists(Lease.objects.current_on(day).filter(lodging=OuterRef("pk"))))

    def vacant_on(self, day=None):
        day = day or timezone.localdate()
        return self.exclude(Exists(Lease.objects.current_on(day).filter(lodging=OuterRef("pk"))))

    def with_occupancy(self, day=None):
        """Annotate `is_let`: a lease runs on `day` (today by default). A dwelling without one is vacant."""
        day = day or timezone.localdate()
        return self.annotate(is_let=Exists(Lease.objects.current_on(day).filter(lodging=OuterRef("pk"))))

    def summary(self, day=None):
        """{'total', 'in_qpv', 'equipped', 'outlet', 'vacant'} over dwellings in stock, in one query."""
        day = day or timezone.localdate()
        let = Exists(Lease.objects.current_on(day).filter(lodging=OuterRef("pk")))
        return self.in_stock().aggregate(
            total=Count("pk"),
            in_qpv=Count("pk", filter=Q(qpv__isnull=False)),
            equipped=Count("pk", filter=Q(equipment_status=EquipmentStatus.BOX)),
            outlet=Count("pk", filter=Q(equipment_status__in=[EquipmentStatus.OUTLET, EquipmentStatus.BOX])),
            vacant=Count("pk", filter=~Q(let)),
        )

    def refresh_equipment(self):
        """Lodging.refresh_equipment() for every dwelling of the queryset, in two UPDATE statements."""
        latest = (
            EquipmentEvent.objects.effective()
            .filter(lodging=OuterRef("pk"))
            .order_by("-effective_date", "-recorded_at", "-pk")
        )
        self.update(
            equipment_status=Coalesce(Subquery(latest.values("status")[:1]), Value(EquipmentStatus.NONE)),
            equipment_date=Subquery(latest.values("effective_date")[:1]),
        )
        self.filter(equipment_status=EquipmentStatus.NONE).exclude(equipment_date=None).update(equipment_date=None)

    def record_equipment(self, *, status, effective_date, by, source=None, batch=None):
        """Lodging.record_equipment() on many dwellings at once: one event each, then one refresh.

        Efficient for a selection of hundreds (a few statements whatever the size); the caller
        holds the transaction and has already kept only the dwellings `by` may edit.
        """
        ids = list(self.values_list("pk", flat=True))
        now = timezone.now()
        EquipmentEvent.objects.bulk_create(
            [
                EquipmentEvent(
                    lodging_id=pk,
                    status=status,
                    effective_date=effective_date,
                    recorded_at=now,
                    recorded_by=by,
                    source=source or EventSource.LANDLORD,
                    batch=batch,
                )
                for pk in ids
            ],
            batch_size=500,
        )
        for start in range(0, len(ids), 500):
            self.model._default_manager.filter(pk__in=ids[start : start + 500]).refresh_equipment()
        return len(ids)

    def counts(self):
        """{'total', 'equipped', 'outlet'} over dwellings in stock, in one query."""
        return self.in_stock().aggregate(
            total=Count("pk"),
            equipped=Count("pk", filter=Q(equipment_status=EquipmentStatus.BOX)),
            outlet=Count("pk", filter=Q(equipment_status__in=[EquipmentStatus.OUTLET, EquipmentStatus.BOX])),
        )

    def equipped_share(self):
        """Share (0-100) of dwellings in stock with a box installed, None when there are none."""
        counts = self.counts()
        return 100 * counts["equipped"] / counts["total"] if counts["total"] else None

    def equipped_share_on(self, day):
        """The same share as it stood on `day`, replayed from the dated equipment events."""
        latest = (
            EquipmentEvent.objects.effective()
            .filter(lodging=OuterRef("pk"), effective_date__lte=day)
            .order_by("-effective_date", "-recorded_at", "-pk")
            .values("status")[:1]
        )
        counts = (
            self.in_stock()
            .annotate(status_then=Subquery(latest))
            .aggregate(total=Count("pk"), equipped=Count("pk", filter=Q(status_then=EquipmentStatus.BOX)))
        )
        return 100 * counts["equipped"] / counts["total"] if counts["total"] else None


class Lodging(models.Model):
    """A social rental dwelling, identified by its RPLS id (IDENT_REP)."""

    landlord = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="lodgings")
    residence = models.ForeignKey(Residence, on_delete=models.PROTECT, related_name="lodgings")
    rpls_id = models.CharField("identifiant RPLS (IDENT_REP)", max_length=20, unique=True)
    internal_id = models.CharField("identifiant du bailleur (IDENT_INT)", max_length=40, blank=True)
    commune = models.CharField("commune (DEPCOM)", max_length=5, db_index=True)
    postcode = models.CharField("code postal", max_length=5, blank=True)
    commune_name = models.CharField("commune", max_length=100, blank=True)
    street_number = models.CharField("numéro", max_length=10, blank=True)
    repetition = models.CharField("indice de répétition", max_length=5, blank=True)
    street_type = models.CharField("type de voie", max_length=20, blank=True)
    street_name = models.CharField("voie", max_length=200)
    building = models.CharField("bâtiment", max_length=50, blank=True)
    building_name = models.CharField("immeuble ou programme", max_length=200, blank=True)
    entrance = models.CharField("entrée", max_length=20, blank=True)
    floor = models.CharField("étage", max_length=10, blank=True)
    staircase = models.CharField("escalier", max_length=10, blank=True)
    flat = models.CharField("numéro d'appartement", max_length=20, blank=True)
    qpv = models.ForeignKey(
        Qpv, on_delete=models.PROTECT, null=True, blank=True, related_name="lodgings", verbose_name="QPV"
    )
    construction_type = models.CharField(
        "type de construction", max_length=1, choices=ConstructionType.choices, blank=True
    )
    rooms = models.PositiveSmallIntegerField("pièces principales", null=True, blank=True)
    living_area = models.DecimalField("surface habitable (m²)", max_digits=7, decimal_places=2, null=True, blank=True)
    construction_year = models.PositiveSmallIntegerField("année d'achèvement", null=True, blank=True)
    financing = models.CharField("financement initial (FINAN)", max_length=20, blank=True)
    exit_reason = models.CharField("sortie du parc", max_length=12, choices=ExitReason.choices, default="", blank=True)
    exited_on = models.DateField("sorti du parc le", null=True, blank=True)
    # Derived from EquipmentEvent, kept here so that lists and dashboards count without replaying
    # history; only Lodging.refresh_equipment() writes them, in the event's transaction.
    equipment_status = models.CharField(
        "équipement", max_length=10, choices=EquipmentStatus.choices, default=EquipmentStatus.NONE, db_index=True
    )
    equipment_date = models.DateField("équipé depuis le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LodgingQuerySet.as_manager()

    class Meta:
        verbose_name = "logement"
        verbose_name_plural = "logements"
        ordering = ["rpls_id"]
        indexes = [
            models.Index(fields=["landlord", "qpv", "equipment_status"], name="lodging_landlord_qpv_eq"),
            models.Index(fields=["commune", "qpv"], name="lodging_commune_qpv"),
        ]

    def __str__(self):
        return f"{self.rpls_id} — {self.address}"

    def get_absolute_url(self):
        return reverse("leases:lodging_detail", args=[self.pk])

    @property
    def address(self):
        street = " ".join(p for p in [self.street_number + self.repetition, self.street_type, self.street_name] if p)
        return f"{street}, {self.postcode} {self.commune_name}".strip(", ")

    @property
    def location(self):
        """Building, staircase, floor, flat, as a short text."""
        parts = [
            ("bât. ", self.building),
            ("esc. ", self.staircase),
            ("étage ", self.floor),
            ("appt ", self.flat),
        ]
        return ", ".join(label + value for label, value in parts if value)

    @property
    def in_stock(self):
        return not self.exit_reason

    def leave_stock(self, *, reason, on):
        """The dwelling left the landlord's stock (sold, demolished…) on `on`; it stays on record."""
        if not self.in_stock:
            raise StockStateError("Ce logement est déjà sorti du parc.")
        if reason not in ExitReason.values or reason == ExitReason.NONE:
            raise ValueError(f"Motif de sortie inconnu : {reason!r}")
        self.exit_reason, self.exited_on = reason, on
        self.save(update_fields=["exit_reason", "exited_on", "updated_at"])

    def return_to_stock(self):
        """Undo leave_stock (a mistake, or a sale that fell through)."""
        if self.in_stock:
            raise StockStateError("Ce logement est déjà dans le parc.")
        self.exit_reason, self.exited_on = ExitReason.NONE, None
        self.save(update_fields=["exit_reason", "exited_on", "updated_at"])

    def current_lease(self, day=None):
        day = day or timezone.localdate()
        return Lease.objects.current_on(day).filter(lodging=self).order_by("-start").first()

    def refresh_equipment(self, save=True):
        """Recompute the current equipment status from the effective events."""
        latest = self.equipment_events.effective().order_by("-effective_date", "-recorded_at", "-pk").first()
        self.equipment_status = latest.status if latest else EquipmentStatus.NONE
        self.equipment_date = latest.effective_date if latest and latest.status != EquipmentStatus.NONE else None
        if save:
            type(self).objects.filter(pk=self.pk).update(
                equipment_status=self.equipment_status, equipment_date=self.equipment_date
            )

    def record_equipment(self, *, status, effective_date, by, source=None, batch=None):
        """A dated fact: from `effective_date`, this dwelling has `status`. Caller holds a transaction."""
        event = EquipmentEvent.objects.create(
            lodging=self,
            status=status,
            effective_date=effective_date,
            recorded_by=by,
            source=source or EventSource.LANDLORD,
            batch=batch,
        )
        self.refresh_equipment()
        return event


class LeaseQuerySet(models.QuerySet):
    def current_on(self, day):
        return self.filter(Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day)))

    def visible_to(self, user):
        """Lease references are pseudonymous personal data: the landlord's own members only."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(is_member(user, "lodging__landlord"))


class Lease(models.Model):
    """A lease, known only by the landlord's own reference: no tenant name, no identity.

    The reference is still pseudonymous personal data under the GDPR (domain.md §4): minimal,
    visible to the landlord's members only, never exported to others.
    """

    lodging = models.ForeignKey(Lodging, on_delete=models.CASCADE, related_name="leases")
    reference = models.CharField("référence du bail", max_length=40)
    start = models.DateField("début")
    end = models.DateField("fin", null=True, blank=True)

    objects = LeaseQuerySet.as_manager()

    class Meta:
        verbose_name = "bail"
        verbose_name_plural = "baux"
        ordering = ["lodging", "-start"]
        constraints = [
            models.UniqueConstraint(fields=["lodging", "reference"], name="unique_lease_reference"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="lease_end_after_start"
            ),
        ]

    def __str__(self):
        return self.reference

    def is_current(self, day=None):
        day = day or timezone.localdate()
        return self.start <= day and (self.end is None or self.end >= day)


class EventSource(models.TextChoices):
    LANDLORD = "landlord", "Bailleur"
    OPERATOR = "operator", "Rapport d'opérateur"


class EquipmentEventQuerySet(models.QuerySet):
    def effective(self):
        """Events that count: a landlord may contest an operator's report."""
        return self.filter(contested_at__isnull=True)


class EquipmentEvent(models.Model):
    """A dated equipment fact about one dwelling (style.md: business facts are dated event rows)."""

    lodging = models.ForeignKey(Lodging, on_delete=models.CASCADE, related_name="equipment_events")
    status = models.CharField("équipement", max_length=10, choices=EquipmentStatus.choices)
    effective_date = models.DateField("date d'effet")
    recorded_at = models.DateTimeField("enregistré le", default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField("source", max_length=10, choices=EventSource.choices, default=EventSource.LANDLORD)
    batch = models.ForeignKey(
        "ImportBatch", on_delete=models.SET_NULL, null=True, blank=True, related_name="equipment_events"
    )
    contested_at = models.DateTimeField("contesté le", null=True, blank=True)
    contested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contest_reason = models.CharField("motif de la contestation", max_length=300, blank=True)

    objects = EquipmentEventQuerySet.as_manager()

    class Meta:
        verbose_name = "événement d'équipement"
        verbose_name_plural = "événements d'équipement"
        ordering = ["-effective_date", "-recorded_at"]
        indexes = [models.Index(fields=["lodging", "effective_date"], name="equipment_lodging_date")]

    def __str__(self):
        return f"{self.lodging.rpls_id} : {self.get_status_display()} au {self.effective_date:%d/%m/%Y}"


class ImportKind(models.TextChoices):
    LODGINGS = "lodgings", "Logements (extrait RPLS)"
    LEASES = "leases", "Baux"
    EQUIPMENT = "equipment", "Équipement"


class ImportState(models.TextChoices):
    """An upload is checked (in the background when long), previewed, then confirmed or abandoned.

    pending → validating → ready (the preview) → applying → applied; a file with errors ends
    invalid; the landlord may abandon it until it is confirmed (cancelled). While applying, the
    file is checked again: if the stock changed since the preview, the import goes back to
    ready with a fresh preview instead of writing what nobody saw.
    """

    PENDING = "pending", "En attente"
    VALIDATING = "validating", "Vérification en cours"
    INVALID = "invalid", "Refusé (erreurs)"
    READY = "ready", "Prêt à confirmer"
    APPLYING = "applying", "Enregistrement en cours"
    APPLIED = "applied", "Enregistré"
    CANCELLED = "cancelled", "Abandonné"


class ImportBatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(is_member(user, "landlord"))


def _may_edit_stock(batch, user):
    return user.can_edit_for(batch.landlord_id)


class ImportBatch(ConcurrentTransitionMixin, models.Model):
    """One import is one batch record (who, when, file, counts), not thousands of audit rows."""

    landlord = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="import_batches")
    kind = models.CharField("type", max_length=12, choices=ImportKind.choices)
    state = FSMField("état", max_length=12, choices=ImportState.choices, default=ImportState.PENDING, protected=True)
    file_name = models.CharField("fichier", max_length=255)
    stored_file = models.CharField(max_length=500, blank=True)  # path under MEDIA_ROOT, private
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("déposé le", auto_now_add=True)
    applied_at = models.DateTimeField("enregistré le", null=True, blank=True)
    total_rows = models.PositiveIntegerField("lignes", default=0)
    validated_rows = models.PositiveIntegerField("lignes vérifiées", default=0)
    created_count = models.PositiveIntegerField("créés", default=0)
    updated_count = models.PositiveIntegerField("modifiés", default=0)
    unchanged_count = models.PositiveIntegerField("inchangés", default=0)
    absent_count = models.PositiveIntegerField("absents du fichier", default=0)
    error_count = models.PositiveIntegerField("erreurs", default=0)
    # The first errors, for display: [{"line", "column", "value", "message"}]
    errors = models.JSONField("erreurs", default=list, blank=True)
    # What the preview showed (samples of changes, absent ids), for the confirm page.
    preview = models.JSONField(default=dict, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = "import"
        verbose_name_plural = "imports"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.file_name} ({self.created_at:%d/%m/%Y %H:%M})"

    def get_absolute_url(self):
        return reverse("leases:import_detail", args=[self.pk])

    @property
    def progress(self):
        return round(100 * self.validated_rows / self.total_rows) if self.total_rows else 0

    @property
    def is_running(self):
        return self.state in (ImportState.PENDING, ImportState.VALIDATING, ImportState.APPLYING)

    def set_outcome(self, outcome):
        """Counts, preview and errors of a check (leases.imports.Outcome)."""
        self.total_rows = outcome.total_rows
        self.validated_rows = outcome.total_rows
        self.created_count = outcome.created
        self.updated_count = outcome.updated
        self.unchanged_count = outcome.unchanged
        self.absent_count = outcome.absent
        self.error_count = outcome.error_count
        self.errors = outcome.errors
        self.preview = outcome.preview

    # The worker's steps: no button, no user (by=None shows as "système" in the history).
    @fsm_log_by
    @transition(field=state, source=ImportState.PENDING, target=ImportState.VALIDATING, custom={"hidden": True})
    def start_validation(self, *, by=None):
        self.validated_rows = 0

    @fsm_log_by
    @transition(field=state, source=ImportState.VALIDATING, target=ImportState.READY, custom={"hidden": True})
    def accept(self, *, outcome, by=None):
        self.set_outcome(outcome)

    @fsm_log_by
    @transition(
        field=state,
        source=[ImportState.PENDING, ImportState.VALIDATING, ImportState.APPLYING],
        target=ImportState.INVALID,
        custom={"hidden": True},
    )
    def refuse(self, *, outcome, by=None):
        self.set_outcome(outcome)

    @fsm_log_by
    @transition(field=state, source=ImportState.APPLYING, target=ImportState.READY, custom={"hidden": True})
    def revise(self, *, outcome, by=None):
        """The stock changed since the preview: show the new one instead of writing the old."""
        self.set_outcome(outcome)

    @fsm_log_by
    @transition(field=state, source=ImportState.APPLYING, target=ImportState.APPLIED, custom={"hidden": True})
    def mark_applied(self, *, by=None):
        self.applied_at = timezone.now()

    # The landlord's decisions.
    @fsm_log_by
    @transition(
        field=state,
        source=ImportState.READY,
        target=ImportState.APPLYING,
        permission=_may_edit_stock,
        custom={"label": "Confirmer l'import", "url_name": "leases:import_confirm", "order": 1},
    )
    def confirm(self, *, by):
        self.validated_rows = 0

    @fsm_log_by
    @transition(
        field=state,
        source=[ImportState.PENDING, ImportState.VALIDATING, ImportState.READY],
        target=ImportState.CANCELLED,
        permission=_may_edit_stock,
        custom={"label": "Abandonner", "url_name": "leases:import_cancel", "danger": True, "order": 2},
    )
    def cancel(self, *, by):
        pass
