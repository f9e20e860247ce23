"""Reads: attendance as plain arrays for the analysis, and stored snapshots for the API."""

import datetime
from dataclasses import dataclass

import numpy as np
from django.db.models import Q, QuerySet
from django.utils.timezone import localdate

from core import snapshots
from core.jobs import SnapshotStatus
from core.names import name_search, search_terms
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


def actor_search(snapshot: NetworkSnapshot, query: str, *, limit: int = 20) -> list[ActorMetrics]:
    """People of a snapshot whose name matches ``query`` in any script (core.names, the
    contacts page's search), with their contact and organisation: one query."""
    if not search_terms(query):
        return []
    rows = name_search(actor_queryset(snapshot), query, key="contact__search_key")
    return list(rows.order_by("contact__family_name", "contact__given_name", "contact_id")[:limit])


def actor_of(snapshot: NetworkSnapshot, contact_id: int) -> ActorMetrics | None:
    """One person's row in a snapshot, with their contact and organisation."""
    return actor_queryset(snapshot).filter(contact_id=contact_id).first()


@dataclass(frozen=True)
class PositionPoint:
    date: datetime.date
    snapshot_id: int
    degree: int
    betweenness: float
    pagerank: float


def contact_position_history(contact_id: int) -> list[PositionPoint]:
    """A person's place in each finished whole-network snapshot, oldest first: one point per
    period date (the latest computation of that date), in one query. A snapshot's date is its
    ``as_of``, or the day it finished for one of every forum (as ``?as_of=`` reads them)."""
    rows = (
        ActorMetrics.objects.filter(
            contact_id=contact_id,
            snapshot__status=SnapshotStatus.DONE,
            snapshot__programme__isnull=True,
        )
        .order_by("snapshot__finished", "snapshot_id")
        .values_list(
            "snapshot_id",
            "snapshot__as_of",
            "snapshot__finished",
            "degree",
            "betweenness",
            "pagerank",
        )
    )
    by_date: dict[datetime.date, PositionPoint] = {}
    for snapshot_id, as_of, finished, degree, betweenness, pagerank in rows:
        date = as_of or localdate(finished)
        by_date[date] = PositionPoint(date, snapshot_id, degree, betweenness, pagerank)
    return [by_date[date] for date in sorted(by_date)]


@dataclass(frozen=True)
class BrokerProfile:
    """Why someone is a broker, from their stored row: their Gould-Fernandez role counts,
    the sectors of the people they have met, and the pairs of those sectors they stand
    between (both ends met through them; the role counts say how many pairs had not met)."""

    roles: list[tuple[str, int]]  # (role, count), in BrokerageRole's order, zeros left out
    cross_sector: int
    sectors: list[tuple[str, int]]  # (sector, people met), most first
    pairs: list[tuple[str, str]]  # distinct sector pairs, most people first


def broker_profile(position: ActorMetrics) -> BrokerProfile:
    from itertools import combinations

    from .metrics import BrokerageRole

    roles = [(role.value, getattr(position, role.value) or 0) for role in BrokerageRole]
    sectors = sorted(
        # People of no known sector ("unknown", see services._metric_rows) name no sector.
        ((s, n) for s, n in (position.sector_ties or {}).items() if s not in ("", "unknown") and n),
        key=lambda item: (-item[1], item[0]),
    )
    return BrokerProfile(
        roles=[(role, n) for role, n in roles if n],
        cross_sector=sum(getattr(position, role.value) or 0 for role in CROSS_SECTOR_ROLES),
        sectors=sectors,
        pairs=[(a, b) for (a, _na), (b, _nb) in combinations(sectors, 2)],
    )
