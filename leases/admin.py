from django.contrib import admin

from .models import EquipmentEvent, ImportBatch, Lease, Lodging, Qpv, Residence


@admin.register(Qpv)
class QpvAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Residence)
class ResidenceAdmin(admin.ModelAdmin):
    list_display = ["name", "landlord", "commune", "qpv", "fibre_state"]
    list_filter = ["fibre_state"]
    search_fields = ["name", "address"]
    raw_id_fields = ["landlord", "qpv"]


@admin.register(Lodging)
class LodgingAdmin(admin.ModelAdmin):
    list_display = ["rpls_id", "landlord", "commune", "qpv", "equipment_status", "exit_reason"]
    list_filter = ["equipment_status", "exit_reason"]
    search_fields = ["rpls_id", "internal_id", "street_name"]
    raw_id_fields = ["landlord", "residence", "qpv"]


admin.site.register(Lease)
admin.site.register(EquipmentEvent)
admin.site.register(ImportBatch)
