from rest_framework import serializers

from core.viewsets import ServiceViewSet
from crm.filters import MembershipFilter, WorkingGroupFilter
from crm.models import WorkingGroup, WorkingGroupMembership
from crm.selectors.counts import working_group_member_counts
from crm.services.working_groups import (
    membership_create,
    membership_update,
    working_group_create,
    working_group_delete,
    working_group_update,
)

from .history import HistoryMixin


class WorkingGroupSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True, help_text="Current members.")

    class Meta:
        model = WorkingGroup
        fields = [
            "id",
            "title",
            "theme",
            "description",
            "programme",
            "origin_forum",
            "status",
            "member_count",
            "created",
            "updated",
        ]


class WorkingGroupViewSet(HistoryMixin, ServiceViewSet):
    """Working groups born at forums (tourism brand at #7, accessibility at #9)."""

    queryset = WorkingGroup.objects.all()
    serializer_class = WorkingGroupSerializer
    filterset_class = WorkingGroupFilter
    ordering_fields = ["title", "status", "created"]
    ordering = ["title"]
    history_label = "working group"

    def create_object(self, data):
        return working_group_create(**data)

    def update_object(self, instance, data):
        return working_group_update(working_group=instance, data=data)

    def perform_destroy(self, instance):
        working_group_delete(working_group=instance)

    def decorate(self, objects):
        counts = working_group_member_counts(g.pk for g in objects)
        for group in objects:
            group.member_count = counts.get(group.pk, 0)


class MembershipSerializer(serializers.ModelSerializer):
    contact_name = serializers.CharField(source="contact.full_name", read_only=True)
    working_group_title = serializers.CharField(source="working_group.title", read_only=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = WorkingGroupMembership
        fields = [
            "id",
            "working_group",
            "working_group_title",
            "contact",
            "contact_name",
            "role",
            "joined_on",
            "left_on",
            "is_current",
            "created",
            "updated",
        ]
        extra_kwargs = {"joined_on": {"required": False}}
        validators = []


class MembershipViewSet(HistoryMixin, ServiceViewSet):
    """Memberships of working groups: chair or member, from joining to leaving."""

    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter
    ordering_fields = ["joined_on", "left_on", "role"]
    ordering = ["working_group_id", "role", "joined_on", "id"]
    history_label = "membership"

    def get_queryset(self):
        return WorkingGroupMembership.objects.select_related("contact", "working_group")

    def create_object(self, data):
        return membership_create(**data)

    def update_object(self, instance, data):
        return membership_update(membership=instance, data=data)
