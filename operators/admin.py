"""Django admin (technical staff). Sealed content stays sealed here too: bids, their documents and
scores are listed only once their tender was opened, and nothing of a bid is editable."""

from django.contrib import admin

from .models import Amendment, Bid, BidDocument, Contract, Criterion, ProcurementRule, Question, Release, Tender


@admin.register(ProcurementRule)
class ProcurementRuleAdmin(admin.ModelAdmin):
    list_display = ["label", "valid_from", "valid_until", "formal_threshold_ht", "to_check"]


class CriterionInline(admin.TabularInline):
    """Criteria and weights are frozen at publication (domain.md §8), here too."""

    model = Criterion
    extra = 0

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.is_draft

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(Tender)
class TenderAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "landlord", "state", "deadline"]
    list_filter = ["state", "procedure"]
    search_fields = ["reference", "title"]
    raw_id_fields = ["landlord", "residences", "rule", "awarded_bid", "created_by", "opened_by", "awarded_by"]
    readonly_fields = ["state"]
    inlines = [CriterionInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Bid)
class BidAdmin(ReadOnlyAdmin):
    """Only opened bids: a sealed bid is not even listed (nobody but its operator reads it)."""

    list_display = ["tender", "operator", "version", "state", "submitted_at", "rank"]
    list_filter = ["state"]

    def get_queryset(self, request):
        return Bid.objects.unsealed().select_related("tender", "operator")


@admin.register(BidDocument)
class BidDocumentAdmin(ReadOnlyAdmin):
    list_display = ["bid", "title", "uploaded_at"]

    def get_queryset(self, request):
        return BidDocument.objects.filter(bid__in=Bid.objects.unsealed())


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ["reference", "landlord", "operator", "state", "start", "end"]
    list_filter = ["state"]


admin.site.register(Question)
admin.site.register(Amendment)
admin.site.register(Release, ReadOnlyAdmin)
