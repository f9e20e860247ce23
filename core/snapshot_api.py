"""The API of every kind of snapshot, written once: which snapshot a read is about
(``?snapshot=``, ``?as_of=``) and the recompute endpoint (core.snapshots)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from core.ids import MAX_ID
from core.snapshots import SnapshotJob

AS_OF_HELP = "The latest snapshot whose period ends on or before this date."
# Every snapshot's description; a kind adds what else scopes its snapshots.
SNAPSHOT_FIELDS = ["id", "status", "stage", "progress", "trigger", "as_of", "created", "started",
                   "finished", "parameters", "sizes", "timings", "error"]  # fmt: skip


class SnapshotQuery(serializers.Serializer):
    snapshot = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    as_of = serializers.DateField(required=False, help_text=AS_OF_HELP)


SNAPSHOT_PARAMETERS = [
    OpenApiParameter("snapshot", OpenApiTypes.INT, description="A snapshot id (default: latest)."),
    OpenApiParameter("as_of", OpenApiTypes.DATE, description=AS_OF_HELP),
]


class SnapshotScopedMixin:
    """Resolves ``?snapshot=`` / ``?as_of=`` (default: the latest snapshot) and puts the
    snapshot's description beside the results. A view names ``snapshot_serializer``,
    ``no_snapshot`` (the 404's message) and ``select_snapshot`` (its kind's selector)."""

    snapshot_serializer: type[serializers.Serializer]
    no_snapshot: str

    def select_snapshot(self, *, snapshot_id, as_of):
        raise NotImplementedError

    def get_snapshot(self):
        if not hasattr(self, "_snapshot"):
            query = SnapshotQuery(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            snapshot = self.select_snapshot(
                snapshot_id=query.validated_data.get("snapshot"),
                as_of=query.validated_data.get("as_of"),
            )
            if snapshot is None:
                raise NotFound(str(self.no_snapshot))
            self._snapshot = snapshot
        return self._snapshot

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        if isinstance(response, Response):  # not a streamed CSV
            response.data = {
                "snapshot": self.snapshot_serializer(self.get_snapshot()).data,
                **response.data,
            }
        return response


class RecomputeSerializer(serializers.Serializer):
    as_of = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Only what happened on or before this date (default: everything until today).",
    )


class RecomputeViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """POST queues a snapshot and answers 202 with it; while the same one still waits in
    the queue, asking again answers 202 with that one. GET shows status and progress.

    A kind names ``job``, ``queryset``, ``serializer_class`` and, when its snapshots are
    scoped by more than a date, ``request_serializer`` and ``period``."""

    job: SnapshotJob
    request_serializer: type[serializers.Serializer] = RecomputeSerializer
    filter_backends = []

    def period(self, data: dict) -> dict:
        """The request's period as model fields (validated; 400 for what does not exist)."""
        return {"as_of": data.get("as_of")}

    def create(self, request, *args, **kwargs):
        payload = self.request_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        snapshot, _new = self.job.request(
            requested_by=request.user, **self.period(payload.validated_data)
        )
        snapshot.refresh_from_db()  # built already when tasks run in this process
        return Response(self.get_serializer(snapshot).data, status=status.HTTP_202_ACCEPTED)
