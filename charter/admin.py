from django.contrib import admin

from .models import Charter, Commitment, CommitmentKind, Reminder, Signature


@admin.register(CommitmentKind)
class CommitmentKindAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "side", "value_type", "direction", "unit", "scope", "is_active"]
    list_filter = ["side", "is_active"]


@admin.register(Charter)
class CharterAdmin(admin.ModelAdmin):
    """Read-mostly: the text of a published charter is frozen by the model itself."""

    list_display = ["title", "number", "city", "state", "effective_date", "published_at"]
    list_filter = ["state"]
    readonly_fields = ["state", "fingerprint", "published_at", "closed_at", "previous"]
    raw_id_fields = ["city", "created_by"]


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = ["organization", "charter", "state", "signed_at"]
    list_filter = ["state"]
    readonly_fields = ["state", "fingerprint", "signed_at", "signed_by", "replaces"]
    raw_id_fields = ["charter", "organization", "invited_by"]


admin.site.register(Commitment)
admin.site.register(Reminder)
