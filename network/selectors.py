"""Reads: attendance as plain arrays for the analysis, and stored snapshots for the API."""

import datetime

import numpy as np
from django.db.models import QuerySet

from crm.models import Contact, Forum, Organisation, Participation, ParticipationStatus

from .graphs import Attendance
from .models import ActorMetrics, NetworkSnapshot, SnapshotStatus


def attendance_read(
    *, as_of: datetime.date | None = None, programme_id: int | None = None
) -> Attendance:
    """Attended participations of the period, read with ``values_list`` (no model objects)."""
    forums = Forum.objects.all()
    if as_of is not None:
        forums = forums.filter(date__lte=as_of)
    if programme_id is not None:
        forums = forums.filter(programme_id=programme_id)
    forum_rows = list(forums.order_by("date", "id").values_list("id", "date"))
    participations = Participation.objects.filter(
        status=ParticipationStatus.ATTENDED, forum__in=forums
    ).order_by()
    rows = list(participations.values_list("contact_id", "forum_id", "organisation_id", "role"))
    contact = np.fromiter((r[0] for r in rows), np.int64, len(rows))
    organisation = np.fromiter(
        (r[2] if r[2] is not None else -1 for r in rows), np.int64, len(rows)
    )
    contact_ids = np.unique(contact).tolist()
    organisation_ids = np.unique(organisation[organisation >= 0]).tolist()
    return Attendance(
        contact=contact,
        forum=np.fromiter((r[1] for r in rows), np.int64, len(rows)),
        organisation=organisation,
        role=np.array([r[3] for r in rows], dtype=object),
        forum_order=np.array([f for f, _ in forum_rows], dtype=np.int64),
        forum_days=np.array([d.toordinal() for _, d in forum_rows], dtype=np.int64),
        contact_sector=_in_chunks(Contact, contact_ids, "sector"),
        organisation_sector=_in_chunks(Organisation, organisation_ids, "sector"),
    )


def _in_chunks(model, ids: list[int], field: str, size: int = 20_000) -> dict:
    # Chunks keep each IN list within SQLite's variable limit.
    values = {}
    for start in range(0, len(ids), size):
        values.update(
            model.objects.filter(pk__in=ids[start : start + size]).values_list("pk", field)
        )
    return values


def snapshot_select(
    *, snapshot_id: int | None = None, as_of: datetime.date | None = None
) -> NetworkSnapshot | None:
    """The snapshot an API read is about: the one asked for, the latest as of a date, or
    the latest complete one."""
    done = NetworkSnapshot.objects.filter(status=SnapshotStatus.DONE)
    if snapshot_id is not None:
        return done.filter(pk=snapshot_id).first()
    if as_of is not None:
        return done.filter(as_of=as_of).order_by("-finished", "-id").first()
    return done.order_by("-finished", "-id").first()


def actor_queryset(snapshot: NetworkSnapshot) -> QuerySet[ActorMetrics]:
    return ActorMetrics.objects.filter(snapshot=snapshot).select_related("contact", "organisation")
