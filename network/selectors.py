"""Reads: attendance as plain arrays for the analysis, and stored snapshots for the API."""

import datetime

import numpy as np
from django.db.models import Q, QuerySet

from core import snapshots
from crm.models import Contact, Forum, Organisation, Participation, ParticipationStatus

from .graphs import Attendance, attendance_from_rows
from .metrics import CROSS_SECTOR_ROLES
from .models import (
    ActorMetrics,
    ForumGrowth,
    NetworkSnapshot,
    NetworkTie,
    OrganisationMetrics,
)


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
    contact_ids = sorted({r[0] for r in rows})
    organisation_ids = sorted({r[2] for r in rows if r[2] is not None})
    return attendance_from_rows(
        forum_rows,
        rows,
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
    """The snapshot a read is about: the one asked for, else the whole network's (not one
    programme's) whose period ends latest, on or before ``as_of`` (core.snapshots)."""
    return snapshots.snapshot_select(
        NetworkSnapshot, snapshot_id=snapshot_id, as_of=as_of, whole=Q(programme__isnull=True)
    )


def actor_queryset(snapshot: NetworkSnapshot) -> QuerySet[ActorMetrics]:
    return ActorMetrics.objects.filter(snapshot=snapshot).select_related("contact", "organisation")


def snapshot_layout(snapshot: NetworkSnapshot) -> dict[int, tuple[float, float]]:
    """Drawing positions of a snapshot's people, computed once per snapshot and cached
    (a snapshot never changes once done)."""
    from django.core.cache import cache

    from .layout import community_layout

    # The finish time too: an id alone could name another snapshot after a database reset.
    finished = snapshot.finished.timestamp() if snapshot.finished else 0
    key = f"network:layout:v1:{snapshot.pk}:{finished}"
    positions = cache.get(key)
    if positions is None:
        rows = list(
            ActorMetrics.objects.filter(snapshot=snapshot)
            .order_by("contact_id")
            .values_list("contact_id", "community", "weighted_degree")
        )
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        communities = np.array([-1 if r[1] is None else r[1] for r in rows], dtype=np.int64)
        strength = np.array([r[2] or 0 for r in rows], dtype=np.float64)
        x, y = community_layout(communities, strength)
        positions = {
            int(i): (round(float(a), 3), round(float(b), 3))
            for i, a, b in zip(ids, x, y, strict=True)
        }
        cache.set(key, positions, timeout=None)
    return positions


def brokerage_sum():
    """A broker's cross-sector brokerage: the Gould-Fernandez roles that span sectors."""
    from functools import reduce
    from operator import add

    from django.db.models import F

    return reduce(add, (F(role.value) for role in CROSS_SECTOR_ROLES))


def broker_queryset(snapshot: NetworkSnapshot) -> QuerySet[ActorMetrics]:
    """Cross-sector brokers first: Gould-Fernandez roles that span sectors, then betweenness."""
    return (
        actor_queryset(snapshot)
        .annotate(brokerage=brokerage_sum())
        .filter(brokerage__gt=0)
        .order_by("-brokerage", "-betweenness", "contact_id")
    )


def forum_growth_list(snapshot: NetworkSnapshot | None, *, last: int | None = None) -> list:
    """How each forum of a snapshot grew the network, in chronological order, with the
    forum (one query); only the ``last`` forums when given. Empty without a snapshot."""
    if snapshot is None:
        return []
    rows = forum_growth_queryset(snapshot)
    if last is None:
        return list(rows)
    return list(reversed(rows.order_by("-rank")[:last]))


def forum_growth_queryset(snapshot: NetworkSnapshot) -> QuerySet[ForumGrowth]:
    return ForumGrowth.objects.filter(snapshot=snapshot).select_related("forum").order_by("rank")


def forum_growth_of(snapshot: NetworkSnapshot | None, forum_id: int) -> ForumGrowth | None:
    """One forum's growth figures in a snapshot (None: no snapshot, or not in its period)."""
    if snapshot is None:
        return None
    return ForumGrowth.objects.filter(snapshot=snapshot, forum_id=forum_id).first()


def sector_matrix(snapshot: NetworkSnapshot) -> dict:
    """Sector summaries, links, and the symmetric sector × sector tie matrix (two queries)."""
    summaries = list(snapshot.sector_summaries.all())
    links = list(snapshot.sector_links.all())
    labels = [s.sector for s in summaries]
    position = {sector: i for i, sector in enumerate(labels)}
    ties = [[0] * len(labels) for _ in labels]
    for link in links:
        a, b = position[link.sector_a], position[link.sector_b]
        ties[a][b] = ties[b][a] = link.ties
    return {"summaries": summaries, "links": links, "labels": labels, "ties": ties}


def contact_position(contact_id: int, *, ties: int = 10) -> tuple[ActorMetrics | None, list]:
    """A person's metrics in the latest snapshot and their strongest ties, each tie with
    ``other`` (the person at the other end) and ``together`` (forums attended together)."""
    snapshot = snapshot_select()
    if snapshot is None:
        return None, []
    position = ActorMetrics.objects.filter(snapshot=snapshot, contact_id=contact_id).first()
    strongest = list(
        NetworkTie.objects.filter(snapshot=snapshot)
        .filter(Q(source_id=contact_id) | Q(target_id=contact_id))
        .select_related("source", "target")
        .order_by("-weight", "-newman_weight")[:ties]
    )
    for tie in strongest:
        tie.other = tie.target if tie.source_id == contact_id else tie.source
        tie.together = int(tie.weight)
    return position, strongest


def organisation_metrics(organisation_id: int) -> OrganisationMetrics | None:
    """The organisation's row in the latest snapshot, if any."""
    snapshot = snapshot_select()
    return snapshot and snapshot.organisations.filter(organisation_id=organisation_id).first()
