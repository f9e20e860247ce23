from django.contrib import admin

from network.models import NetworkSnapshot


@admin.register(NetworkSnapshot)
class NetworkSnapshotAdmin(admin.ModelAdmin):
    """Snapshots to look at; they are made by recomputes, never edited by hand."""

    list_display = [
        "id",
        "status",
        "as_of",
        "programme",
        "trigger",
        "progress",
        "created",
        "finished",
    ]
    list_filter = ["status", "trigger"]
    readonly_fields = [f.name for f in NetworkSnapshot._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
