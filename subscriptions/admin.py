"""Read-mostly: states change through transitions and dated events, never by hand here."""

from django.contrib import admin

from .models import (
    ChargeSetting,
    ConsultationRule,
    Incident,
    LegalBasis,
    OperatorInvoice,
    OperatorReport,
    Regularisation,
    Subscription,
    SubscriptionEvent,
    TenantVote,
)


@admin.register(ConsultationRule)
class ConsultationRuleAdmin(admin.ModelAdmin):
    """The figures of the tenant vote are data: an administrator updates them without a deployment."""

    list_display = ["label", "valid_from", "valid_until", "quorum_percent", "majority_percent", "to_check"]


@admin.register(LegalBasis)
class LegalBasisAdmin(admin.ModelAdmin):
    list_display = ["residence", "kind", "route", "state", "effective_from", "ended_on"]
    list_filter = ["kind", "state"]
    readonly_fields = ["state", "rule", "outcome_reason"]
    raw_id_fields = ["residence", "created_by"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["lodging", "contract", "status", "status_date", "box_serial"]
    list_filter = ["status"]
    readonly_fields = ["status", "status_date", "box_serial"]
    raw_id_fields = ["lodging", "contract", "rollout"]


@admin.register(SubscriptionEvent)
class SubscriptionEventAdmin(admin.ModelAdmin):
    list_display = ["subscription", "status", "effective_date", "source", "recorded_at", "contested_at"]
    list_filter = ["status", "source"]
    raw_id_fields = ["subscription", "report", "equipment_event", "recorded_by", "contested_by"]


@admin.register(Regularisation)
class RegularisationAdmin(admin.ModelAdmin):
    list_display = ["landlord", "period_start", "period_end", "state", "sent_on"]
    readonly_fields = ["state", "sent_on", "sent_by"]


admin.site.register([TenantVote, ChargeSetting, OperatorReport, Incident, OperatorInvoice])
