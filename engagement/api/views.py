"""Engagement API. Contacts, organisations, sectors and lapsed lists read a stored snapshot;
cohorts and sector balance are computed per request with one grouped query and numpy."""

import django_filters as filters
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from core import snapshot_api
from core.exports import CsvExportMixin, csv_response
from core.filters import IdFilter, boolean
from core.ids import MAX_ID
from crm.api.lists import ContactListSerializer
from crm.models import Contact, Programme, Sector
from engagement.choices import LAPSED_MISSED_MAX, EngagementLevel
from engagement.models import (
    ContactEngagement,
    EngagementSnapshot,
    OrganisationEngagement,
    SectorEngagement,
)
from engagement.selectors import (
    cohort_table,
    engagement_snapshot_select,
    forum_balance,
    lapsed_queryset,
    working_group_balance,
)
from engagement.services import ENGAGEMENT_SNAPSHOTS, lapsed_list_save

from . import serializers as s

SNAPSHOT_PARAMETERS = [
    *snapshot_api.SNAPSHOT_PARAMETERS,
    OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"]),
]


class SnapshotScopedMixin(snapshot_api.SnapshotScopedMixin):
    """An engagement snapshot's reads (core.snapshot_api): the one of the latest date by
    default."""

    snapshot_serializer = s.EngagementSnapshotSerializer
    page_beside = {"snapshot": s.EngagementSnapshotSerializer}  # for the schema
    no_snapshot = gettext_lazy(
        "No engagement snapshot yet. Run `python manage.py compute_engagement`"
        " or POST /api/v1/engagement/recompute/."
    )

    def select_snapshot(self, *, snapshot_id, as_of) -> EngagementSnapshot | None:
        return engagement_snapshot_select(snapshot_id=snapshot_id, as_of=as_of)


class ContactEngagementFilter(filters.FilterSet):
    level = filters.MultipleChoiceFilter(choices=EngagementLevel.choices, distinct=False)
    sector = filters.MultipleChoiceFilter(choices=Sector.choices, distinct=False)
    organisation = IdFilter(field_name="organisation_id")
    contact = IdFilter(field_name="contact_id")
    min_score = filters.NumberFilter(field_name="score", lookup_expr="gte")
    attended = boolean(method="filter_attended")

    class Meta:
        model = ContactEngagement
        fields = ["level", "sector", "organisation", "contact", "min_score", "attended"]

    def filter_attended(self, queryset, name, value):
        return (
            queryset.filter(forums_attended__gt=0) if value else queryset.filter(forums_attended=0)
        )


ORDERABLE = [
    "score",
    "forums_attended",
    "attendance_rate",
    "last_date",
    "missed_since_last",
    "held_since_first",
    "forums_counted",
]


@extend_schema(parameters=SNAPSHOT_PARAMETERS)
class ContactEngagementViewSet(
    SnapshotScopedMixin, CsvExportMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """Each contact's engagement: forums, rate, roles, working groups, score and level."""

    serializer_class = s.ContactEngagementSerializer
    filterset_class = ContactEngagementFilter
    ordering_fields = [*ORDERABLE, "membership_days"]
    ordering = ["-score", "contact_id"]
    queryset = ContactEngagement.objects.none()
    csv_name = "engagement-contacts"

    def get_queryset(self):
        return ContactEngagement.objects.filter(snapshot=self.get_snapshot()).select_related(
            "contact", "organisation", "first_forum", "last_forum"
        )

    @extend_schema(
        responses=s.ScoreHistorySerializer(many=True),
        # The history spans every snapshot: ?snapshot= and ?as_of= do not apply.
        parameters=[
            OpenApiParameter(
                "contact_id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH
            ),
            OpenApiParameter("snapshot", exclude=True),
            OpenApiParameter("as_of", exclude=True),
        ],
    )
    @action(detail=False, methods=["get"], url_path=r"(?P<contact_id>\d+)/history",
            filter_backends=[], pagination_class=None)  # fmt: skip
    def history(self, request, contact_id=None):
        """A contact's score and level in every snapshot: drifting away shows here first."""
        contact_id = int(contact_id)
        if contact_id > MAX_ID or not Contact.objects.filter(pk=contact_id).exists():
            raise NotFound(_("No such contact."))
        rows = (
            ContactEngagement.objects.filter(contact_id=contact_id)
            .select_related("snapshot")
            .order_by("snapshot__as_of", "snapshot_id")
        )
        return Response(s.ScoreHistorySerializer(rows, many=True).data)


class OrganisationEngagementFilter(filters.FilterSet):
    level = filters.MultipleChoiceFilter(choices=EngagementLevel.choices, distinct=False)
    sector = filters.MultipleChoiceFilter(choices=Sector.choices, distinct=False)

    class Meta:
        model = OrganisationEngagement
        fields = ["level", "sector"]


@extend_schema(parameters=SNAPSHOT_PARAMETERS)
class OrganisationEngagementViewSet(
    SnapshotScopedMixin, CsvExportMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """Organisations' engagement through whoever represented them: it survives turnover."""

    serializer_class = s.OrganisationEngagementSerializer
    filterset_class = OrganisationEngagementFilter
    ordering_fields = [*ORDERABLE, "people", "people_recent"]
    ordering = ["-score", "organisation_id"]
    queryset = OrganisationEngagement.objects.none()
    csv_name = "engagement-organisations"
    exports_personal_data = False  # organisations, no people (crm.api.permissions)

    def get_queryset(self):
        return OrganisationEngagement.objects.filter(snapshot=self.get_snapshot()).select_related(
            "organisation", "first_forum", "last_forum"
        )


@extend_schema(parameters=SNAPSHOT_PARAMETERS)
class SectorEngagementViewSet(
    SnapshotScopedMixin, CsvExportMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """Per sector: levels, scores, attendance rate, and whether its share is drifting."""

    serializer_class = s.SectorEngagementSerializer
    ordering_fields = ["sector", "contacts", "mean_score", "drift", "lapsed"]
    ordering = ["sector"]
    queryset = SectorEngagement.objects.none()
    csv_name = "engagement-sectors"
    exports_personal_data = False  # counts per sector

    def get_queryset(self):
        return SectorEngagement.objects.filter(snapshot=self.get_snapshot())


class CanSaveContactLists(BasePermission):
    """Saving the lapsed list creates a contact list: coordinators may, viewers may not."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("crm.add_contactlist"))


class LapsedQuery(serializers.Serializer):
    missed = serializers.IntegerField(required=False, min_value=1, max_value=LAPSED_MISSED_MAX)


@extend_schema(
    parameters=[
        *SNAPSHOT_PARAMETERS,
        OpenApiParameter(
            "missed",
            OpenApiTypes.INT,
            description="Forums missed (default: the snapshot's rule, ENGAGEMENT_LAPSED_MISSED).",
        ),
    ]
)
class LapsedViewSet(
    SnapshotScopedMixin, CsvExportMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """Regulars (ENGAGEMENT_LAPSED_MIN_FORUMS forums or more, as for the level) who missed
    the last N forums, with their last forum and organisation. ``POST save/`` keeps them as
    a list for a mailing."""

    serializer_class = s.LapsedSerializer
    filterset_class = ContactEngagementFilter
    ordering_fields = ORDERABLE
    queryset = ContactEngagement.objects.none()
    csv_name = "lapsed-regulars"

    def missed(self) -> int | None:
        """None: the snapshot's own rule (engagement.selectors.lapsed_rule)."""
        query = LapsedQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_data.get("missed")

    def get_queryset(self):
        return lapsed_queryset(self.get_snapshot(), missed=self.missed())

    @extend_schema(
        request=s.LapsedSaveSerializer,
        responses={201: ContactListSerializer},
        # ``missed`` comes in the body; the answer is the saved list, in JSON.
        parameters=[
            OpenApiParameter("missed", exclude=True),
            OpenApiParameter("format", exclude=True),
        ],
    )
    @action(
        detail=False,
        methods=["post"],
        filter_backends=[],
        pagination_class=None,
        permission_classes=[CanSaveContactLists],
        renderer_classes=viewsets.GenericViewSet.renderer_classes,
    )
    def save(self, request):
        payload = s.LapsedSaveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        contact_list = lapsed_list_save(
            snapshot=self.get_snapshot(),
            missed=payload.validated_data.get("missed"),
            name=payload.validated_data.get("name", ""),
            created_by=request.user,
        )
        return Response(ContactListSerializer(contact_list).data, status=status.HTTP_201_CREATED)


class ProgrammeQuery(serializers.Serializer):
    programme = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    as_of = serializers.DateField(required=False)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)

    def validate(self, attrs):
        programmes = Programme.objects.all()
        if "programme" in attrs:
            programme = programmes.filter(pk=attrs["programme"]).first()
            if programme is None:
                raise serializers.ValidationError({"programme": [_("No such programme.")]})
        elif programmes.count() == 1:
            programme = programmes.get()
        else:
            raise serializers.ValidationError(
                {"programme": [_("Choose a programme: this installation has several.")]}
            )
        attrs["programme"] = programme
        return attrs


PROGRAMME_PARAMETERS = [
    OpenApiParameter("programme", OpenApiTypes.INT, description="Required with several."),
    OpenApiParameter("as_of", OpenApiTypes.DATE),
    OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"]),
]


@extend_schema(
    parameters=[*PROGRAMME_PARAMETERS, OpenApiParameter("sector", OpenApiTypes.STR)],
    responses=s.CohortCellSerializer(many=True),
)
class CohortView(generics.GenericAPIView):
    """Cohort retention: people grouped by the forum they first came to, and the share of
    each cohort at every later forum. One row per (cohort, later forum)."""

    queryset = ContactEngagement.objects.none()
    serializer_class = s.CohortCellSerializer
    filter_backends = []
    renderer_classes = CsvExportMixin.renderer_classes
    exports_personal_data = False  # counts per forum

    def get(self, request):
        query = ProgrammeQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        options = query.validated_data
        table = cohort_table(
            programme=options["programme"], as_of=options.get("as_of"), sector=options.get("sector")
        )
        rows = []
        for c, (cohort_id, cohort_title, cohort_date) in enumerate(table.forums):
            for f in range(c + 1, len(table.forums)):
                forum_id, forum_title, forum_date = table.forums[f]
                size = int(table.sizes[c])
                back = int(table.returned[c, f])
                rows.append(
                    {
                        "cohort_forum": cohort_id,
                        "cohort_title": cohort_title,
                        "cohort_date": cohort_date,
                        "cohort_size": size,
                        "forum": forum_id,
                        "forum_title": forum_title,
                        "forum_date": forum_date,
                        "returned": back,
                        "share": back / size if size else None,
                    }
                )
        if request.accepted_renderer.format == "csv":
            header = list(s.CohortCellSerializer().fields)
            return csv_response(header, ([row[k] for k in header] for row in rows), "cohorts")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.CohortCellSerializer(page, many=True).data)


@extend_schema(parameters=PROGRAMME_PARAMETERS, responses=s.ForumBalanceSerializer(many=True))
class ForumBalanceView(generics.GenericAPIView):
    """Per forum of a programme: attendees by the sector they represented, the gaps to the
    programme's target mix, and how many came back from earlier forums."""

    queryset = ContactEngagement.objects.none()
    serializer_class = s.ForumBalanceSerializer
    filter_backends = []
    renderer_classes = CsvExportMixin.renderer_classes
    exports_personal_data = False  # counts per forum and sector

    def get(self, request):
        query = ProgrammeQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = forum_balance(
            programme=query.validated_data["programme"], as_of=query.validated_data.get("as_of")
        )
        if request.accepted_renderer.format == "csv":
            header = list(s.ForumBalanceSerializer().fields)
            data = s.ForumBalanceSerializer(rows, many=True).data
            return csv_response(header, ([row[k] for k in header] for row in data), "forum-balance")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.ForumBalanceSerializer(page, many=True).data)


@extend_schema(
    parameters=[OpenApiParameter("programme", OpenApiTypes.INT)],
    responses=s.GroupBalanceSerializer(many=True),
)
class WorkingGroupBalanceView(generics.GenericAPIView):
    """Current members of each working group by sector, against the programme's targets."""

    queryset = ContactEngagement.objects.none()
    serializer_class = s.GroupBalanceSerializer
    filter_backends = []

    def get(self, request):
        programme = None
        if "programme" in request.query_params:
            query = ProgrammeQuery(data=request.query_params)
            query.is_valid(raise_exception=True)
            programme = query.validated_data["programme"]
        rows = working_group_balance(programme=programme)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.GroupBalanceSerializer(page, many=True).data)


@extend_schema_view(
    create=extend_schema(
        request=snapshot_api.RecomputeSerializer, responses={202: s.EngagementSnapshotSerializer}
    )
)
class RecomputeViewSet(snapshot_api.RecomputeViewSet):
    """POST queues a new engagement snapshot (202, with its id; the same one again while it
    waits); GET shows its status and progress."""

    job = ENGAGEMENT_SNAPSHOTS
    queryset = EngagementSnapshot.objects.all().order_by("-created", "-id")
    serializer_class = s.EngagementSnapshotSerializer
