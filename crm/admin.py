"""The Django admin, set up for coordinators: search in any script, filters, inlines, history.

Coordinators are staff users in the ``coordinator`` group; model permissions decide what
they can change, exactly as in the API.
"""

from django.contrib import admin
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from crm.models import (
    Affiliation,
    Consent,
    Contact,
    Forum,
    ForumDocument,
    ForumPartner,
    Organisation,
    Participation,
    Programme,
    WorkingGroup,
    WorkingGroupMembership,
)
from crm.normalisation import search_terms

# Links typed without a scheme are read as https (Django 6's default, chosen now).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


def _count_of(related, group_by: str):
    """A per-row count as a correlated subquery: with the list ordered by an index, the
    database counts only for the rows of the page, instead of aggregating the whole table
    the way Count() over a join must."""
    counted = related.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


class FoldedSearchMixin:
    """Admin search through the script-independent search key, plus plain-text fields."""

    plain_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        condition = Q()
        terms = search_terms(search_term)
        if terms:
            by_key = Q()
            for term in terms:
                by_key &= Q(search_key__contains=term)
            condition |= by_key
        for field in self.plain_search_fields:
            condition |= Q(**{f"{field}__icontains": search_term.strip()})
        return queryset.filter(condition), False


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "position", "start_date", "end_date", "is_primary"]


class RecordedParticipationInline(admin.TabularInline):
    """Participations already recorded: role and status editable in place.

    The forum, contact and organisation are shown read-only from the joined rows: a select
    or autocomplete widget per row would query the database once per row, which a
    1,000-person plenary turns into a page that takes seconds.
    """

    model = Participation
    extra = 0
    max_num = 0  # new rows go through the "add" inline below
    fields = ["contact", "forum", "organisation", "role", "status"]
    readonly_fields = ["contact", "forum", "organisation"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("contact", "forum", "organisation")


class NewParticipationInline(admin.TabularInline):
    """Blank rows to record more participations, with search-as-you-type pickers."""

    model = Participation
    extra = 3
    can_delete = False
    verbose_name_plural = _("add participations")

    def get_queryset(self, request):
        return super().get_queryset(request).none()


class ParticipationOfContactInline(RecordedParticipationInline):
    fields = ["forum", "organisation", "role", "status"]
    readonly_fields = ["forum", "organisation"]
    verbose_name_plural = _("forums")


class NewParticipationOfContactInline(NewParticipationInline):
    autocomplete_fields = ["forum", "organisation"]
    fields = ["forum", "role", "status", "organisation"]
    verbose_name_plural = _("record at a forum")


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    fields = ["purpose", "granted", "source", "text_version", "recorded_at", "recorded_by"]
    readonly_fields = ["recorded_by"]
    ordering = ["-recorded_at"]

    # Consent is append-only: old statements are evidence and are never edited or removed.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = WorkingGroupMembership
    extra = 0
    autocomplete_fields = ["contact", "working_group"]
    fields = ["working_group", "contact", "role", "joined_on", "left_on"]


@admin.register(Contact)
class ContactAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "email", "phone", "sector", "city", "language", "updated"]
    list_filter = ["sector", "language", "city", "sector_explicit"]
    search_fields = ["search_key"]  # enables the search box; the mixin does the matching
    plain_search_fields = ("email", "phone")
    inlines = [
        AffiliationInline,
        ParticipationOfContactInline,
        NewParticipationOfContactInline,
        MembershipInline,
        ConsentInline,
    ]
    readonly_fields = ["created", "updated"]
    fieldsets = [
        (None, {"fields": ["given_name", "patronymic", "family_name"]}),
        (_("Contact"), {"fields": ["email", "phone", "city", "language"]}),
        (_("Profile"), {"fields": ["sector", "sector_explicit", "tags", "notes"]}),
        (_("Record"), {"fields": ["created", "updated"]}),
    ]

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, Consent) and instance.recorded_by_id is None:
                instance.recorded_by = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()
        if formset.model is Affiliation:
            from crm.services.contacts import contact_sector_refresh

            contact_sector_refresh(contact_ids=[form.instance.pk])


@admin.register(Organisation)
class OrganisationAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
    list_display = ["name", "sector", "city", "people", "website"]
    list_filter = ["sector", "city"]
    search_fields = ["search_key"]
    plain_search_fields = ("name", "website")
    readonly_fields = ["created", "updated"]
    formfield_overrides = HTTPS_URLS

    def get_queryset(self, request):
        current = Affiliation.objects.filter(organisation=OuterRef("pk"), end_date__isnull=True)
        return super().get_queryset(request).annotate(_people=_count_of(current, "organisation"))

    @admin.display(description=_("current people"), ordering="_people")
    def people(self, organisation):
        return organisation._people

    def save_model(self, request, obj, form, change):
        from crm.services.contacts import contact_sector_refresh

        super().save_model(request, obj, form, change)
        if change and "sector" in form.changed_data:
            contact_sector_refresh(
                contact_ids=obj.affiliations.values_list("contact_id", flat=True)
            )


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "funder", "start_year", "end_year", "city"]
    search_fields = ["name"]
    autocomplete_fields = ["funder"]


class ForumPartnerInline(admin.TabularInline):
    model = ForumPartner
    extra = 0
    autocomplete_fields = ["organisation"]


class ForumDocumentInline(admin.TabularInline):
    model = ForumDocument
    extra = 0
    formfield_overrides = HTTPS_URLS


class ParticipationOfForumInline(RecordedParticipationInline):
    fields = ["contact", "organisation", "role", "status"]
    readonly_fields = ["contact", "organisation"]
    verbose_name_plural = _("participants")


class NewParticipationOfForumInline(NewParticipationInline):
    autocomplete_fields = ["contact", "organisation"]
    fields = ["contact", "role", "status", "organisation"]
    verbose_name_plural = _("add participants")


@admin.register(Forum)
class ForumAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "date", "city", "venue", "attended"]
    list_filter = ["programme", "kind", "city"]
    search_fields = ["title", "venue", "objective"]
    date_hierarchy = "date"
    autocomplete_fields = ["programme"]
    inlines = [
        ForumPartnerInline,
        ForumDocumentInline,
        ParticipationOfForumInline,
        NewParticipationOfForumInline,
    ]

    def get_queryset(self, request):
        attended = Participation.objects.filter(forum=OuterRef("pk"), status="attended")
        return super().get_queryset(request).annotate(_attended=_count_of(attended, "forum"))

    @admin.display(description=_("attended"), ordering="_attended")
    def attended(self, forum):
        return forum._attended


@admin.register(Participation)
class ParticipationAdmin(SimpleHistoryAdmin):
    list_display = ["contact", "forum", "role", "status", "organisation"]
    list_filter = ["status", "role", "forum__programme", "forum"]
    list_select_related = ["contact", "forum", "organisation"]
    search_fields = ["contact__search_key", "contact__email", "forum__title"]
    autocomplete_fields = ["contact", "forum", "organisation"]


@admin.register(Affiliation)
class AffiliationAdmin(SimpleHistoryAdmin):
    list_display = ["contact", "organisation", "position", "start_date", "end_date", "is_primary"]
    list_filter = ["is_primary", "organisation__sector"]
    list_select_related = ["contact", "organisation"]
    search_fields = ["contact__search_key", "organisation__name"]
    autocomplete_fields = ["contact", "organisation"]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(SimpleHistoryAdmin):
    list_display = ["title", "theme", "origin_forum", "status"]
    list_filter = ["status", "programme"]
    search_fields = ["title", "theme"]
    autocomplete_fields = ["origin_forum", "programme"]
    inlines = [MembershipInline]


@admin.register(WorkingGroupMembership)
class WorkingGroupMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["contact", "working_group", "role", "joined_on", "left_on"]
    list_filter = ["working_group", "role"]
    list_select_related = ["contact", "working_group"]
    autocomplete_fields = ["contact", "working_group"]


@admin.register(Consent)
class ConsentAdmin(SimpleHistoryAdmin):
    list_display = ["contact", "purpose", "granted", "source", "text_version", "recorded_at"]
    list_filter = ["purpose", "granted", "source"]
    list_select_related = ["contact"]
    search_fields = ["contact__search_key", "contact__email"]
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
