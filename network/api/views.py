"""Network API: every read comes from a stored snapshot; no request builds a graph."""

import django_filters as filters
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.response import Response

from core import snapshot_api
from core.filters import IdFilter
from core.ids import MAX_ID
from core.snapshot_api import SNAPSHOT_PARAMETERS
from crm.models import Forum, Programme, Sector
from crm.models.choices import UNKNOWN_SECTOR, UNKNOWN_SECTOR_NAME
from network.models import (
    ActorMetrics,
    ForumGrowth,
    NetworkSnapshot,
    NetworkTie,
    OrganisationMetrics,
)
from network.selectors import (
    actor_queryset,
    broker_queryset,
    forum_growth_of,
    forum_growth_queryset,
    sector_matrix,
    snapshot_layout,
    snapshot_select,
)
from network.services import NETWORK_SNAPSHOTS

from .serializers import (
    METRIC_FIELDS,
    ActorSerializer,
    BrokerSerializer,
    BrokersSerializer,
    ForumGrowthSerializer,
    GraphSerializer,
    NetworkRecomputeSerializer,
    NetworkSnapshotSerializer,
    OrganisationMetricsSerializer,
    SectorLinkSerializer,
    SectorsSerializer,
    SectorSummarySerializer,
)

ORDERABLE = [f for f in METRIC_FIELDS if f != "sector_ties"]


class SnapshotScopedMixin(snapshot_api.SnapshotScopedMixin):
    """A network snapshot's reads (core.snapshot_api): the latest finished one by default."""

    snapshot_serializer = NetworkSnapshotSerializer
    page_beside = {"snapshot": NetworkSnapshotSerializer}  # for the schema (crm.api.schema)
    no_snapshot = gettext_lazy(
        "No finished network snapshot matches. POST /api/v1/network/recompute/ "
        "(with as_of for a past date) to compute one."
    )

    def select_snapshot(self, *, snapshot_id, as_of) -> NetworkSnapshot | None:
        return snapshot_select(snapshot_id=snapshot_id, as_of=as_of)


MAX_COMMUNITY = 2**31 - 1


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": MAX_COMMUNITY})
class CommunityFilter(filters.BaseInFilter, filters.NumberFilter):
    """``community=3`` or ``community=1,2``; non-numbers and numbers no community can have
    (negative, or past the database's integers) are a 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_COMMUNITY)
        super().__init__(*args, **kwargs)


class ActorFilter(filters.FilterSet):
    sector = filters.MultipleChoiceFilter(
        choices=[*Sector.choices, (UNKNOWN_SECTOR, UNKNOWN_SECTOR_NAME)], distinct=False
    )
    community = CommunityFilter(field_name="community", lookup_expr="in")
    organisation = IdFilter(field_name="organisation_id")
    contact = IdFilter(field_name="contact_id")

    class Meta:
        model = ActorMetrics
        fields = ["sector", "community", "organisation", "contact"]


@extend_schema(parameters=SNAPSHOT_PARAMETERS)
class ActorViewSet(SnapshotScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Per-contact network metrics of a snapshot: position, bridging and brokerage."""

    serializer_class = ActorSerializer
    filterset_class = ActorFilter
    ordering_fields = [*ORDERABLE, "forums_attended"]
    ordering = ["-betweenness", "contact_id"]
    queryset = ActorMetrics.objects.none()  # for the permission check; see get_queryset

    def get_queryset(self):
        return actor_queryset(self.get_snapshot())


class OrganisationMetricsFilter(filters.FilterSet):
    sector = filters.MultipleChoiceFilter(choices=Sector.choices, distinct=False)
    community = CommunityFilter(field_name="community", lookup_expr="in")

    class Meta:
        model = OrganisationMetrics
        fields = ["sector", "community"]


@extend_schema(parameters=SNAPSHOT_PARAMETERS)
class OrganisationMetricsViewSet(
    SnapshotScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """Per-organisation metrics on the organisation graph, with how many people are active."""

    serializer_class = OrganisationMetricsSerializer
    filterset_class = OrganisationMetricsFilter
    ordering_fields = [*ORDERABLE, "people", "people_active"]
    ordering = ["-betweenness", "organisation_id"]
    queryset = OrganisationMetrics.objects.none()

    def get_queryset(self):
        return OrganisationMetrics.objects.filter(snapshot=self.get_snapshot()).select_related(
            "organisation"
        )


@extend_schema(parameters=SNAPSHOT_PARAMETERS)
class ForumGrowthViewSet(SnapshotScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """How each forum grew the network, in chronological order."""

    serializer_class = ForumGrowthSerializer
    ordering_fields = ["rank", "attendees", "new_ties", "new_cross_sector_ties", "first_timers"]
    ordering = ["rank"]
    queryset = ForumGrowth.objects.none()

    def get_queryset(self):
        return forum_growth_queryset(self.get_snapshot())


class BrokerQuery(serializers.Serializer):
    limit = serializers.IntegerField(required=False, min_value=1, max_value=200, default=20)
    sector = serializers.MultipleChoiceField(choices=Sector.choices, required=False)


@extend_schema(
    parameters=[
        *SNAPSHOT_PARAMETERS,
        OpenApiParameter("limit", OpenApiTypes.INT, description="How many (1–200, default 20)."),
        OpenApiParameter("sector", OpenApiTypes.STR, many=True, description="Brokers' sectors."),
    ],
    responses=BrokersSerializer,
)
class BrokerView(SnapshotScopedMixin, generics.GenericAPIView):
    """The top cross-sector brokers: who ties sectors together that are not tied directly."""

    queryset = ActorMetrics.objects.none()
    serializer_class = BrokerSerializer
    filter_backends = []
    pagination_class = None

    def get(self, request):
        query = BrokerQuery(data=_multi(request.query_params, "sector"))
        query.is_valid(raise_exception=True)
        brokers = broker_queryset(self.get_snapshot())
        if query.validated_data.get("sector"):
            brokers = brokers.filter(sector__in=query.validated_data["sector"])
        data = BrokerSerializer(brokers[: query.validated_data["limit"]], many=True).data
        return Response(
            {"snapshot": NetworkSnapshotSerializer(self.get_snapshot()).data, "results": data}
        )


@extend_schema(parameters=SNAPSHOT_PARAMETERS)
class SectorView(SnapshotScopedMixin, generics.GenericAPIView):
    """Sector × sector ties and densities, and each sector's E-I index."""

    queryset = ActorMetrics.objects.none()
    serializer_class = SectorsSerializer
    filter_backends = []
    pagination_class = None

    def get(self, request):
        snapshot = self.get_snapshot()
        sectors = sector_matrix(snapshot)
        return Response(
            {
                "snapshot": NetworkSnapshotSerializer(snapshot).data,
                "sectors": SectorSummarySerializer(sectors["summaries"], many=True).data,
                "links": SectorLinkSerializer(sectors["links"], many=True).data,
                "matrix": {"labels": sectors["labels"], "ties": sectors["ties"]},
            }
        )


class GraphQuery(serializers.Serializer):
    sector = serializers.MultipleChoiceField(choices=Sector.choices, required=False)
    community = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=MAX_COMMUNITY), required=False
    )
    min_weight = serializers.FloatField(required=False, min_value=0, default=0)
    from_forum = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    to_forum = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=20_000, default=2_000)
    size_by = serializers.ChoiceField(choices=ORDERABLE, required=False, default="degree")
    everyone = serializers.BooleanField(required=False, default=False)


NAME_FIELDS = ("contact__given_name", "contact__patronymic", "contact__family_name")


@extend_schema(
    parameters=[
        *SNAPSHOT_PARAMETERS,
        OpenApiParameter("sector", OpenApiTypes.STR, many=True),
        OpenApiParameter("community", OpenApiTypes.INT, many=True),
        OpenApiParameter("min_weight", OpenApiTypes.FLOAT),
        OpenApiParameter("from_forum", OpenApiTypes.INT, description="Ties born at or after."),
        OpenApiParameter("to_forum", OpenApiTypes.INT, description="Ties born at or before."),
        OpenApiParameter("limit", OpenApiTypes.INT, description="Strongest N ties (≤ 20,000)."),
        OpenApiParameter("size_by", OpenApiTypes.STR, description="Metric for node size."),
        OpenApiParameter(
            "everyone",
            OpenApiTypes.BOOL,
            description="Every person the filters select, not only the ends of the ties sent.",
        ),
    ]
)
class GraphView(SnapshotScopedMixin, generics.GenericAPIView):
    """Nodes and the strongest ties for drawing the network, from the snapshot's stored
    strongest ties (NETWORK_TIES_KEPT of them)."""

    queryset = ActorMetrics.objects.none()
    serializer_class = GraphSerializer
    filter_backends = []
    pagination_class = None

    def get(self, request):
        query = GraphQuery(data=_multi(request.query_params, "sector", "community"))
        query.is_valid(raise_exception=True)
        options = query.validated_data
        snapshot = self.get_snapshot()
        ties = NetworkTie.objects.filter(snapshot=snapshot, weight__gte=options["min_weight"])
        for bound, lookup in (("from_forum", "first_rank__gte"), ("to_forum", "first_rank__lte")):
            if bound in options:
                growth = forum_growth_of(snapshot, options[bound])
                if growth is None:
                    raise serializers.ValidationError(
                        {bound: [_("This forum is not in the snapshot's period.")]}
                    )
                ties = ties.filter(**{lookup: growth.rank})
        members = ActorMetrics.objects.filter(snapshot=snapshot)
        if options.get("sector"):
            members = members.filter(sector__in=options["sector"])
        if options.get("community"):
            members = members.filter(community__in=options["community"])
        if options.get("sector") or options.get("community"):
            chosen = members.values("contact_id")
            ties = ties.filter(source_id__in=chosen, target_id__in=chosen)
        edges = list(
            ties.order_by("-weight", "-newman_weight", "id").values_list(
                "source_id", "target_id", "weight", "newman_weight", "first_forum_id"
            )[: options["limit"]]
        )
        ids = {e[0] for e in edges} | {e[1] for e in edges}
        size_by = options["size_by"]
        positions = snapshot_layout(snapshot)
        chosen = members if options["everyone"] else members.filter(contact_id__in=ids)
        # Plain rows, not model instances: at city scale this is 18,000 people per request.
        rows = chosen.order_by("contact_id").values_list(
            "contact_id", "sector", "community", size_by, *NAME_FIELDS
        )
        nodes = []
        for contact_id, sector, community, size, given, patronymic, family in rows:
            x, y = positions.get(contact_id, (0.0, 0.0))
            name = " ".join(part for part in (given, patronymic, family) if part)
            nodes.append(
                {"id": contact_id, "x": x, "y": y, "name": name, "sector": sector,
                 "community": community, "size": size}
            )  # fmt: skip
        return Response(
            {
                "snapshot": NetworkSnapshotSerializer(snapshot).data,
                "size_by": size_by,
                "nodes": nodes,
                "edges": [
                    {"source": s, "target": t, "weight": w, "newman_weight": nw, "first_forum": f}
                    for s, t, w, nw, f in edges
                ],
            }
        )


@extend_schema_view(
    create=extend_schema(
        request=NetworkRecomputeSerializer, responses={202: NetworkSnapshotSerializer}
    )
)
class RecomputeViewSet(snapshot_api.RecomputeViewSet):
    """POST queues a recompute (202, with its id; the same one again while it waits);
    GET shows its status and progress."""

    job = NETWORK_SNAPSHOTS
    queryset = NetworkSnapshot.objects.all().order_by("-created", "-id")
    serializer_class = NetworkSnapshotSerializer
    request_serializer = NetworkRecomputeSerializer

    def period(self, data: dict) -> dict:
        programme = None
        if data.get("programme"):
            programme = Programme.objects.filter(pk=data["programme"]).first()
            if programme is None:
                raise serializers.ValidationError({"programme": [_("No such programme.")]})
        as_of = data.get("as_of")
        if data.get("after_forum"):
            forum = Forum.objects.filter(pk=data["after_forum"]).first()
            if forum is None:
                raise serializers.ValidationError({"after_forum": [_("No such forum.")]})
            as_of = forum.date
        return {"as_of": as_of, "programme": programme}


def _multi(params, *names) -> dict:
    """Query parameters as a dict, with the given names as lists (repeatable parameters)."""
    data = {key: params.get(key) for key in params}
    for name in names:
        if name in params:
            values = params.getlist(name)
            data[name] = [v for value in values for v in value.split(",") if v]
    return data
