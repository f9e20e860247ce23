from django.contrib import admin

from engagement.models import EngagementSnapshot


@admin.register(EngagementSnapshot)
class EngagementSnapshotAdmin(admin.ModelAdmin):
    """Snapshots to look at; they are made by recomputes, never edited by hand."""

    list_display = ["id", "status", "as_of", "trigger", "progress", "created", "finished"]
    list_filter = ["status", "trigger"]
    readonly_fields = [f.name for f in EngagementSnapshot._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
