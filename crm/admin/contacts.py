from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from crm.models import Affiliation, Consent, Contact, Participation, WorkingGroupMembership
from crm.services.contacts import contact_sector_refresh

from .base import (
    FixedOnChangeMixin,
    FoldedSearchMixin,
    HistoryAdmin,
    NewRowsInline,
    RecordedRowsInline,
)
from .consent import ConsentInline
from .participation import (
    NewParticipationsInline,
    RecordedParticipationsInline,
    save_participation_rows,
)


class CurrentAffiliationsFormSet(forms.BaseInlineFormSet):
    """The one-current-primary and one-current-per-organisation rules across the rows of a
    single submit (each row's own check only sees what is already saved)."""

    def clean(self):
        super().clean()
        primaries, organisations = 0, set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get("end_date"):
                continue
            organisation = data.get("organisation") or form.instance.organisation_id
            if data.get("is_primary"):
                primaries += 1
            if organisation in organisations:
                raise ValidationError(_("The same organisation is listed twice as current."))
            organisations.add(organisation)
        if primaries > 1:
            raise ValidationError(_("Only one current affiliation can be primary."))


class RecordedAffiliationsInline(RecordedRowsInline):
    model = Affiliation
    formset = CurrentAffiliationsFormSet
    fields = ["organisation", "position", "start_date", "end_date", "is_primary"]
    readonly_fields = ["organisation"]
    joined = ("contact", "organisation")  # both are in the row's title
    verbose_name_plural = _("affiliations")


class NewAffiliationsInline(NewRowsInline):
    model = Affiliation
    formset = CurrentAffiliationsFormSet
    extra = 1
    fields = ["organisation", "position", "start_date", "end_date", "is_primary"]
    autocomplete_fields = ["organisation"]
    verbose_name_plural = _("add affiliations")


class ContactParticipationsInline(RecordedParticipationsInline):
    fields = ["forum", "organisation", "role", "status"]
    readonly_fields = ["forum", "organisation"]
    joined = ("contact", "forum", "organisation")
    verbose_name_plural = _("forums")


class NewContactParticipationsInline(NewParticipationsInline):
    fields = ["forum", "role", "status", "organisation"]
    autocomplete_fields = ["forum", "organisation"]
    verbose_name_plural = _("record at a forum")


class CurrentMembershipsFormSet(forms.BaseInlineFormSet):
    """One current membership per person and group, across the rows of one submit."""

    key = "working_group"

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get("left_on"):
                continue
            other = data.get(self.key) or getattr(form.instance, f"{self.key}_id", None)
            if other in seen:
                raise ValidationError(_("The same membership is listed twice."))
            seen.add(other)


class ContactMembershipsInline(RecordedRowsInline):
    model = WorkingGroupMembership
    fields = ["working_group", "role", "joined_on", "left_on"]
    readonly_fields = ["working_group"]
    joined = ("contact", "working_group")
    verbose_name_plural = _("working groups")


class NewContactMembershipsInline(NewRowsInline):
    model = WorkingGroupMembership
    formset = CurrentMembershipsFormSet
    extra = 1
    fields = ["working_group", "role", "joined_on", "left_on"]
    autocomplete_fields = ["working_group"]
    verbose_name_plural = _("join a working group")


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        # No sector_explicit: choosing a sector pins it, leaving it empty unpins it.
        fields = [
            "given_name",
            "patronymic",
            "family_name",
            "email",
            "phone",
            "city",
            "language",
            "sector",
            "tags",
            "notes",
        ]
        help_texts = {
            "sector": _("Leave empty to follow the sector of the contact's affiliations."),
        }


@admin.register(Contact)
class ContactAdmin(FoldedSearchMixin, HistoryAdmin):
    form = ContactForm
    list_display = ["__str__", "email", "phone", "sector", "city", "language", "updated"]
    list_filter = ["sector", "language", "sector_explicit", "city"]
    search_fields = ["search_key"]  # enables the search box; the mixin does the matching
    plain_search_fields = ("email", "phone")
    inlines = [
        RecordedAffiliationsInline,
        NewAffiliationsInline,
        ContactParticipationsInline,
        NewContactParticipationsInline,
        ContactMembershipsInline,
        NewContactMembershipsInline,
        ConsentInline,
    ]
    readonly_fields = ["created", "updated"]
    fieldsets = [
        (None, {"fields": ["given_name", "patronymic", "family_name"]}),
        (_("Contact"), {"fields": ["email", "phone", "city", "language"]}),
        (_("Profile"), {"fields": ["sector", "tags", "notes"]}),
        (_("Record"), {"fields": ["created", "updated"]}),
    ]

    def save_model(self, request, obj, form, change):
        # As in the API: choosing a sector pins it, leaving it empty hands it back.
        obj.sector_explicit = bool(obj.sector)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After affiliations are saved (or removed), the derived sector may have moved.
        contact_sector_refresh(contact_ids=[form.instance.pk])

    def save_formset(self, request, form, formset, change):
        if formset.model is Consent:
            for consent in formset.save(commit=False):
                consent.recorded_by = consent.recorded_by or request.user
                consent.save()
            return
        if formset.model is Participation:
            save_participation_rows(formset)
            return
        super().save_formset(request, form, formset, change)


@admin.register(Affiliation)
class AffiliationAdmin(FixedOnChangeMixin, FoldedSearchMixin, HistoryAdmin):
    fixed_on_change = ("contact",)
    list_display = ["contact", "organisation", "position", "start_date", "end_date", "is_primary"]
    list_filter = ["is_primary", "organisation__sector"]
    list_select_related = ["contact", "organisation"]
    search_fields = ["contact__search_key"]  # enables the search box; the mixin does the matching
    search_key_field = "contact__search_key"
    plain_search_fields = ("organisation__name",)
    autocomplete_fields = ["contact", "organisation"]

    # Every change of an affiliation may move its contact's derived sector.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        contact_sector_refresh(contact_ids=[obj.contact_id])

    def delete_model(self, request, obj):
        contact_id = obj.contact_id
        super().delete_model(request, obj)
        contact_sector_refresh(contact_ids=[contact_id])

    def delete_queryset(self, request, queryset):
        contact_ids = list(queryset.values_list("contact_id", flat=True))
        super().delete_queryset(request, queryset)
        contact_sector_refresh(contact_ids=contact_ids)
