from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from crm.models import WorkingGroup, WorkingGroupMembership

from .base import FixedOnChangeMixin, HistoryAdmin, NewRowsInline, RecordedRowsInline
from .contacts import CurrentMembershipsFormSet


class GroupMembersFormSet(CurrentMembershipsFormSet):
    key = "contact"


class GroupMembersInline(RecordedRowsInline):
    model = WorkingGroupMembership
    fields = ["contact", "role", "joined_on", "left_on"]
    readonly_fields = ["contact"]
    joined = ("contact", "working_group")
    verbose_name_plural = _("members")


class NewGroupMembersInline(NewRowsInline):
    model = WorkingGroupMembership
    formset = GroupMembersFormSet
    fields = ["contact", "role", "joined_on", "left_on"]
    autocomplete_fields = ["contact"]
    verbose_name_plural = _("add members")


@admin.register(WorkingGroup)
class WorkingGroupAdmin(HistoryAdmin):
    list_display = ["title", "theme", "origin_forum", "status"]
    list_filter = ["status", "programme"]
    search_fields = ["title", "theme"]
    autocomplete_fields = ["origin_forum", "programme"]
    inlines = [GroupMembersInline, NewGroupMembersInline]


@admin.register(WorkingGroupMembership)
class WorkingGroupMembershipAdmin(FixedOnChangeMixin, HistoryAdmin):
    fixed_on_change = ("working_group", "contact")
    list_display = ["contact", "working_group", "role", "joined_on", "left_on"]
    list_filter = ["working_group", "role"]
    list_select_related = ["contact", "working_group"]
    autocomplete_fields = ["contact", "working_group"]
