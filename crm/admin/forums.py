from django.contrib import admin
from django.db.models import OuterRef
from django.utils.translation import gettext_lazy as _

from crm.models import (
    Forum,
    ForumDocument,
    ForumPartner,
    Participation,
    ParticipationStatus,
    Programme,
)

from .base import HTTPS_URLS, HistoryAdmin, count_of
from .participation import (
    NewParticipationsInline,
    RecordedParticipationsInline,
    save_participation_rows,
)


@admin.register(Programme)
class ProgrammeAdmin(HistoryAdmin):
    list_display = ["name", "funder", "start_year", "end_year", "city"]
    search_fields = ["name"]
    autocomplete_fields = ["funder"]


class ForumPartnerInline(admin.TabularInline):
    model = ForumPartner
    extra = 0
    autocomplete_fields = ["organisation"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


class ForumDocumentInline(admin.TabularInline):
    model = ForumDocument
    extra = 0
    formfield_overrides = HTTPS_URLS


class ForumParticipantsInline(RecordedParticipationsInline):
    fields = ["contact", "organisation", "role", "status"]
    readonly_fields = ["contact", "organisation"]
    joined = ("contact", "forum", "organisation")
    verbose_name_plural = _("participants")


class NewForumParticipantsInline(NewParticipationsInline):
    fields = ["contact", "role", "status", "organisation"]
    autocomplete_fields = ["contact", "organisation"]
    verbose_name_plural = _("add participants")


@admin.register(Forum)
class ForumAdmin(HistoryAdmin):
    list_display = ["__str__", "kind", "date", "city", "venue", "attended"]
    # A date filter rather than a date hierarchy: the hierarchy's year links accept any
    # number, and Django answers an impossible year with a 500.
    list_filter = ["programme", "kind", "city", ("date", admin.DateFieldListFilter)]
    search_fields = ["title", "venue", "objective"]
    autocomplete_fields = ["programme"]
    inlines = [
        ForumPartnerInline,
        ForumDocumentInline,
        ForumParticipantsInline,
        NewForumParticipantsInline,
    ]

    def get_queryset(self, request):
        attended = Participation.objects.filter(
            forum=OuterRef("pk"), status=ParticipationStatus.ATTENDED
        )
        return super().get_queryset(request).annotate(_attended=count_of(attended, "forum"))

    @admin.display(description=_("attended"), ordering="_attended")
    def attended(self, forum):
        return forum._attended

    def save_formset(self, request, form, formset, change):
        if formset.model is Participation:
            save_participation_rows(formset)
            return
        super().save_formset(request, form, formset, change)
