from django.contrib import admin

from .models import (
    Action,
    ActionLine,
    Axis,
    Convention,
    ConventionParty,
    Programme,
    Report,
    ReportReminder,
    ReportReview,
    SignatureDeadlineRule,
)


@admin.register(Axis)
class AxisAdmin(admin.ModelAdmin):
    list_display = ["number", "label", "is_active"]


@admin.register(ActionLine)
class ActionLineAdmin(admin.ModelAdmin):
    list_display = ["label", "axis", "convention", "code"]
    list_filter = ["axis"]


@admin.register(SignatureDeadlineRule)
class SignatureDeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ["description", "first_year", "years_before", "last_month", "last_day", "to_check"]


class PartyInline(admin.TabularInline):
    model = ConventionParty
    extra = 0
    readonly_fields = ["signed_on", "signed_by", "signed_at"]


@admin.register(Convention)
class ConventionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "start_year", "end_year", "state"]
    list_filter = ["state"]
    readonly_fields = ["state"]
    inlines = [PartyInline]


class ProgrammeInline(admin.TabularInline):
    model = Programme
    extra = 0
    readonly_fields = ["qpv", "abatement_amount", "dwellings_count"]
    can_delete = False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "year", "state", "round"]
    list_filter = ["state", "year"]
    readonly_fields = ["state", "round", "submitted_at", "validated_at"]
    inlines = [ProgrammeInline]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "axis", "planned_amount", "realised_amount"]


admin.site.register(ReportReview)
admin.site.register(ReportReminder)
