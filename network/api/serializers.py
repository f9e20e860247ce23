from rest_framework import serializers

from core.ids import MAX_ID
from core.snapshot_api import SNAPSHOT_FIELDS, RecomputeSerializer
from network.metrics import BrokerageRole
from network.models import (
    METRIC_COLUMNS,
    ActorMetrics,
    ForumGrowth,
    NetworkSnapshot,
    OrganisationMetrics,
    SectorLink,
    SectorSummary,
)

METRIC_FIELDS = METRIC_COLUMNS


class NetworkSnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = NetworkSnapshot
        fields = [*SNAPSHOT_FIELDS, "programme"]
        read_only_fields = fields


class NetworkRecomputeSerializer(RecomputeSerializer):
    after_forum = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="The network as it stood after this forum (its date becomes as_of).",
    )
    programme = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="Only this programme's forums."
    )


class ActorSerializer(serializers.ModelSerializer):
    contact = serializers.IntegerField(source="contact_id")
    name = serializers.CharField(source="contact.full_name")
    organisation_name = serializers.CharField(
        source="organisation.name", default=None, allow_null=True
    )

    class Meta:
        model = ActorMetrics
        fields = [
            "contact",
            "name",
            "sector",
            "organisation",
            "organisation_name",
            "forums_attended",
            *METRIC_FIELDS,
        ]


class OrganisationMetricsSerializer(serializers.ModelSerializer):
    organisation = serializers.IntegerField(source="organisation_id")
    name = serializers.CharField(source="organisation.name")

    class Meta:
        model = OrganisationMetrics
        fields = ["organisation", "name", "sector", "people", "people_active", *METRIC_FIELDS]


class BrokerSerializer(serializers.ModelSerializer):
    contact = serializers.IntegerField(source="contact_id")
    name = serializers.CharField(source="contact.full_name")
    organisation_name = serializers.CharField(
        source="organisation.name", default=None, allow_null=True
    )
    brokerage = serializers.IntegerField(
        help_text="Cross-sector brokerage: gatekeeper + representative + consultant + liaison."
    )
    sectors_connected = serializers.SerializerMethodField()

    class Meta:
        model = ActorMetrics
        fields = [
            "contact",
            "name",
            "sector",
            "organisation",
            "organisation_name",
            "brokerage",
            *BrokerageRole.values,
            "sectors_reached",
            "sectors_connected",
            "betweenness",
            "degree",
        ]

    def get_sectors_connected(self, actor) -> list[str]:
        """The sectors among the broker's ties, their own included, most ties first."""
        ties = actor.sector_ties or {}
        return [s for s, _ in sorted(ties.items(), key=lambda item: (-item[1], item[0]))]


class BrokersSerializer(serializers.Serializer):
    """The response of ``brokers/`` (documentation only: the view builds it directly)."""

    snapshot = NetworkSnapshotSerializer()
    results = BrokerSerializer(many=True)


class ForumGrowthSerializer(serializers.ModelSerializer):
    forum = serializers.IntegerField(source="forum_id")
    title = serializers.CharField(source="forum.title")
    date = serializers.DateField(source="forum.date")
    number = serializers.IntegerField(source="forum.number", allow_null=True)

    class Meta:
        model = ForumGrowth
        fields = [
            "forum",
            "rank",
            "number",
            "title",
            "date",
            "attendees",
            "first_timers",
            "returning",
            "new_ties",
            "new_cross_sector_ties",
            "sectors_connected",
            "contacts_so_far",
            "ties_so_far",
            "cross_sector_ties_so_far",
        ]


class SectorSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = SectorSummary
        fields = [
            "sector",
            "members",
            "internal_ties",
            "external_ties",
            "ei_index",
            "density_within",
        ]


class SectorLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = SectorLink
        fields = ["sector_a", "sector_b", "ties", "density"]


class MatrixSerializer(serializers.Serializer):
    labels = serializers.ListField(child=serializers.CharField())
    ties = serializers.ListField(child=serializers.ListField(child=serializers.IntegerField()))


class SectorsSerializer(serializers.Serializer):
    """The response of ``sectors/`` (documentation only: the view builds it directly)."""

    snapshot = NetworkSnapshotSerializer()
    sectors = SectorSummarySerializer(many=True)
    links = SectorLinkSerializer(many=True)
    matrix = MatrixSerializer()


class GraphNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    x = serializers.FloatField(help_text="Drawing position (network.layout), fixed per snapshot.")
    y = serializers.FloatField()
    name = serializers.CharField()
    sector = serializers.CharField()
    community = serializers.IntegerField()
    size = serializers.FloatField()


class GraphEdgeSerializer(serializers.Serializer):
    source = serializers.IntegerField()
    target = serializers.IntegerField()
    weight = serializers.FloatField()
    newman_weight = serializers.FloatField()
    first_forum = serializers.IntegerField()


class GraphSerializer(serializers.Serializer):
    """The response of ``graph/`` (documentation only: the view builds it directly)."""

    snapshot = NetworkSnapshotSerializer()
    size_by = serializers.CharField()
    nodes = GraphNodeSerializer(many=True)
    edges = GraphEdgeSerializer(many=True)
