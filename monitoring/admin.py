from django.contrib import admin

from .models import HistoryState


@admin.register(HistoryState)
class HistoryStateAdmin(admin.ModelAdmin):
    """Read-only: monitoring/history.py alone writes it."""

    list_display = ["first_month", "last_month", "checked_at", "rebuilt_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
