from rest_framework import serializers

from core.snapshot_api import SNAPSHOT_FIELDS
from crm.models import ParticipationRole
from engagement.choices import LAPSED_MISSED_MAX, EngagementLevel
from engagement.models import (
    ContactEngagement,
    EngagementSnapshot,
    OrganisationEngagement,
    SectorEngagement,
)

ENGAGEMENT_FIELDS = [
    "sector",
    "level",
    "score",
    "forums_attended",
    "forums_counted",
    "attendance_rate",
    "first_forum",
    "first_forum_title",
    "last_forum",
    "last_forum_title",
    "last_date",
    "held_since_first",
    "missed_since_last",
    *ParticipationRole.values,  # forums attended in each role
]


class EngagementSnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = EngagementSnapshot
        fields = SNAPSHOT_FIELDS
        read_only_fields = fields


class _ForumTitles(serializers.ModelSerializer):
    first_forum_title = serializers.CharField(
        source="first_forum.title", default=None, allow_null=True
    )
    last_forum_title = serializers.CharField(
        source="last_forum.title", default=None, allow_null=True
    )


class ContactEngagementSerializer(_ForumTitles):
    contact = serializers.IntegerField(source="contact_id")
    name = serializers.CharField(source="contact.full_name")
    email = serializers.CharField(source="contact.email", default=None, allow_null=True)
    organisation_name = serializers.CharField(
        source="organisation.name", default=None, allow_null=True
    )

    class Meta:
        model = ContactEngagement
        fields = [
            "contact",
            "name",
            "email",
            "organisation",
            "organisation_name",
            *ENGAGEMENT_FIELDS,
            "memberships",
            "memberships_current",
            "membership_days",
        ]


class OrganisationEngagementSerializer(_ForumTitles):
    organisation = serializers.IntegerField(source="organisation_id")
    name = serializers.CharField(source="organisation.name")

    class Meta:
        model = OrganisationEngagement
        fields = ["organisation", "name", "people", "people_recent", *ENGAGEMENT_FIELDS]


class SectorEngagementSerializer(serializers.ModelSerializer):
    class Meta:
        model = SectorEngagement
        fields = [
            "sector",
            "contacts",
            "attended",
            *EngagementLevel.values,  # contacts at each level
            "mean_score",
            "attendance_rate",
            "recent_share",
            "earlier_share",
            "drift",
        ]


class LapsedSerializer(_ForumTitles):
    contact = serializers.IntegerField(source="contact_id")
    name = serializers.CharField(source="contact.full_name")
    email = serializers.CharField(source="contact.email", default=None, allow_null=True)
    organisation_name = serializers.CharField(
        source="organisation.name", default=None, allow_null=True
    )

    class Meta:
        model = ContactEngagement
        fields = [
            "contact",
            "name",
            "email",
            "sector",
            "organisation",
            "organisation_name",
            "forums_attended",
            "last_forum",
            "last_forum_title",
            "last_date",
            "missed_since_last",
            "score",
        ]


class ScoreHistorySerializer(serializers.ModelSerializer):
    snapshot = serializers.IntegerField(source="snapshot_id")
    as_of = serializers.DateField(source="snapshot.as_of")

    class Meta:
        model = ContactEngagement
        fields = ["snapshot", "as_of", "score", "level", "forums_attended", "missed_since_last"]


class LapsedSaveSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, max_length=200)
    missed = serializers.IntegerField(required=False, min_value=1, max_value=LAPSED_MISSED_MAX)


class CohortCellSerializer(serializers.Serializer):
    cohort_forum = serializers.IntegerField()
    cohort_title = serializers.CharField()
    cohort_date = serializers.DateField()
    cohort_size = serializers.IntegerField()
    forum = serializers.IntegerField()
    forum_title = serializers.CharField()
    forum_date = serializers.DateField()
    returned = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class BalanceFields(serializers.Serializer):
    attendees = serializers.IntegerField()
    by_sector = serializers.DictField(child=serializers.IntegerField())
    shares = serializers.DictField(child=serializers.FloatField())
    targets = serializers.DictField(child=serializers.FloatField())
    gaps = serializers.DictField(child=serializers.FloatField())
    meets_targets = serializers.BooleanField()


class ForumBalanceSerializer(BalanceFields):
    forum = serializers.IntegerField()
    number = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    date = serializers.DateField()
    returning = serializers.IntegerField()
    returning_rate = serializers.FloatField(allow_null=True)


class GroupBalanceSerializer(BalanceFields):
    working_group = serializers.IntegerField()
    title = serializers.CharField()
