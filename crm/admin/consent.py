from django.contrib import admin

from crm.models import Consent, ConsentSource

from .base import FoldedSearchMixin, HistoryAdmin


class RecordableSources:
    """The admin offers the sources a person can state, as the API does: an unsubscribe
    link or a complaint is recorded only by the outreach, when one arrives. The model's own
    rules (no future date, nothing before the programmes' era) apply to the forms too."""

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "source":
            kwargs["choices"] = ConsentSource.recordable()
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class ConsentInline(RecordableSources, admin.TabularInline):
    """Consent on the contact's page: new statements can be added; old ones are evidence
    and are never edited or removed."""

    model = Consent
    extra = 0
    fields = ["purpose", "granted", "source", "text_version", "recorded_at", "recorded_by"]
    readonly_fields = ["recorded_by"]
    ordering = ["-recorded_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Consent)
class ConsentAdmin(RecordableSources, FoldedSearchMixin, HistoryAdmin):
    list_display = ["contact", "purpose", "granted", "source", "text_version", "recorded_at"]
    list_filter = ["purpose", "granted", "source"]
    list_select_related = ["contact"]
    search_fields = ["contact__search_key"]  # enables the search box; the mixin does the matching
    search_key_field = "contact__search_key"
    plain_search_fields = ("contact__email",)
    autocomplete_fields = ["contact"]
    readonly_fields = ["recorded_by"]

    def has_change_permission(self, request, obj=None):
        # Append-only: a withdrawal is a new record, so existing ones stay as they were.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if obj.recorded_by_id is None:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
