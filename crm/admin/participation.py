from collections import Counter

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from crm.models import Participation
from crm.models import ParticipationStatus as Status
from crm.services.participation import organisation_on_date, participation_capacity_check

from .base import (
    FixedOnChangeMixin,
    FoldedSearchMixin,
    HistoryAdmin,
    NewRowsInline,
    RecordedRowsInline,
)


class ParticipationFormSet(forms.BaseInlineFormSet):
    """Registrations in one submit are held to each forum's capacity together."""

    def clean(self):
        super().clean()
        newly_registered: Counter = Counter()
        forums = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get("status") != Status.REGISTERED:
                continue
            if form.instance.pk and form.initial.get("status") == Status.REGISTERED:
                continue  # already holding a seat
            forum = data.get("forum") or form.instance.forum
            forums[forum.pk] = forum
            newly_registered[forum.pk] += 1
        for forum_id, seats in newly_registered.items():
            # Without a lock: the service's locked check still decides races at save time.
            try:
                participation_capacity_check(forum=forums[forum_id], lock=False, seats=seats)
            except ValidationError as error:
                # A formset's own errors are a list, not keyed by field: the service's
                # message as it is, shown above the rows.
                raise ValidationError(error.messages) from error


def save_participation_rows(formset) -> None:
    """Save a participation formset, giving new rows the organisation of the day."""
    for participation in formset.save(commit=False):
        if participation.pk is None and participation.organisation_id is None:
            participation.organisation = organisation_on_date(
                contact=participation.contact, forum=participation.forum
            )
        participation.save()
    for participation in formset.deleted_objects:
        participation.delete()


class RecordedParticipationsInline(RecordedRowsInline):
    """Participations already recorded: role and status editable in place."""

    model = Participation
    formset = ParticipationFormSet


class NewParticipationsInline(NewRowsInline):
    model = Participation
    formset = ParticipationFormSet
    extra = 3


class ParticipationForm(forms.ModelForm):
    class Meta:
        model = Participation
        fields = ["contact", "forum", "role", "status", "organisation"]

    def clean(self):
        data = super().clean()
        forum = data.get("forum") or getattr(self.instance, "forum", None)
        becomes_registered = data.get("status") == Status.REGISTERED and (
            self.instance.pk is None or self.initial.get("status") != Status.REGISTERED
        )
        if forum is not None and becomes_registered:
            participation_capacity_check(forum=forum, exclude_id=self.instance.pk, lock=False)
        return data


@admin.register(Participation)
class ParticipationAdmin(FixedOnChangeMixin, FoldedSearchMixin, HistoryAdmin):
    form = ParticipationForm
    fixed_on_change = ("contact", "forum")
    list_display = ["contact", "forum", "role", "status", "organisation"]
    # No per-forum filter: at national scale it would list ten thousand forums.
    list_filter = ["status", "role", "forum__programme", "forum__kind"]
    list_select_related = ["contact", "forum", "organisation"]
    search_fields = ["contact__search_key"]  # enables the search box; the mixin does the matching
    search_key_field = "contact__search_key"
    plain_search_fields = ("contact__email", "forum__title")
    autocomplete_fields = ["contact", "forum", "organisation"]

    def save_model(self, request, obj, form, change):
        if not change and obj.organisation_id is None:
            obj.organisation = organisation_on_date(contact=obj.contact, forum=obj.forum)
        super().save_model(request, obj, form, change)
