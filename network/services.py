"""Writes: requesting, building and storing network snapshots."""

import datetime
import json
import logging
import math
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.bulk import analyse, bulk_insert
from core.jobs import job_claim, job_stopped, jobs_to_dispatch
from core.queue import NETWORK_SNAPSHOT_BUILD, enqueue
from crm.models import Programme

from .analysis import AnalysisParameters, NetworkAnalysis, network_analyse
from .graphs import GROUPS
from .metrics import ROLES, NodeMetrics
from .models import (
    METRIC_COLUMNS,
    ActorMetrics,
    ForumGrowth,
    NetworkSnapshot,
    NetworkTie,
    OrganisationMetrics,
    SectorLink,
    SectorSummary,
    SnapshotStatus,
    SnapshotTrigger,
)
from .selectors import attendance_read

logger = logging.getLogger(__name__)

# Progress shown while a snapshot is built: the analysis reports these stages in order.
STAGES = [
    "reading attendance",
    "contact graph",
    "betweenness and closeness",
    "pagerank",
    "communities",
    "constraint, effective size and brokerage",
    "sectors",
    "growth",
    "strongest ties",
    "organisation graph",
    "organisations: betweenness and closeness",
    "organisations: pagerank",
    "organisations: communities",
    "organisations: constraint, effective size and brokerage",
    "people per organisation",
    "storing",
]


def analysis_parameters(**overrides) -> AnalysisParameters:
    """Defaults from settings (NETWORK_*), then explicit overrides."""
    values = {
        "exact_limit": settings.NETWORK_EXACT_LIMIT,
        "pivots": settings.NETWORK_PIVOTS,
        "seed": settings.NETWORK_SEED,
        "ties_kept": settings.NETWORK_TIES_KEPT,
        "plenary_cap": settings.NETWORK_PLENARY_CAP,
        "max_ties": settings.NETWORK_MAX_TIES,
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    return AnalysisParameters(**values)


def network_snapshot_request(
    *,
    as_of: datetime.date | None = None,
    programme: Programme | None = None,
    requested_by=None,
    trigger: str = SnapshotTrigger.MANUAL,
    parameters: AnalysisParameters | None = None,
) -> NetworkSnapshot:
    """Queue a recompute; the worker picks it up once the transaction commits."""
    snapshot = NetworkSnapshot.objects.create(
        as_of=as_of,
        programme=programme,
        requested_by=requested_by,
        trigger=trigger,
        parameters=(parameters or analysis_parameters()).as_dict(),
    )
    enqueue(NETWORK_SNAPSHOT_BUILD, snapshot.pk)
    return snapshot


def network_recompute_schedule() -> None:
    """After participations change: queue one automatic recompute, a little later.

    Changes arrive in bursts (marking attendance at a forum, an import), so the recompute
    waits NETWORK_RECOMPUTE_DELAY seconds and one queued automatic snapshot absorbs every
    change until it starts (a partial unique constraint makes that race-free). Without a
    broker (tasks run in-process) nothing is scheduled: the request would do the whole
    computation itself; recompute by command or API instead.
    """
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return
    try:
        with transaction.atomic():
            snapshot = NetworkSnapshot.objects.create(
                trigger=SnapshotTrigger.AUTOMATIC,
                parameters=analysis_parameters().as_dict(),
            )
    except IntegrityError:
        return  # one is already waiting and will see this change too
    enqueue(NETWORK_SNAPSHOT_BUILD, snapshot.pk, countdown=settings.NETWORK_RECOMPUTE_DELAY)


def _claim(snapshot_id: int) -> bool:
    """Take a queued snapshot, one handed back after a lost database connection, or one
    whose worker stopped sending heartbeats (killed)."""
    if not job_claim(NetworkSnapshot, snapshot_id, lease_seconds=settings.NETWORK_LEASE_SECONDS):
        return False
    NetworkSnapshot.objects.filter(pk=snapshot_id).update(started=timezone.now(), stage="")
    return True


def network_snapshots_to_dispatch() -> list[int]:
    """Snapshots no worker is on (see ``core.jobs.jobs_to_dispatch``). A queued one is
    given its debounce delay and a minute more before the sweep sends it again."""
    return jobs_to_dispatch(
        NetworkSnapshot,
        lease_seconds=settings.NETWORK_LEASE_SECONDS,
        queued_for=settings.NETWORK_RECOMPUTE_DELAY + 60,
    )


def network_snapshot_build(
    *, snapshot_id: int, progress: Callable[[str, int], None] = lambda stage, percent: None
) -> NetworkSnapshot | None:
    """Compute and store a queued snapshot. Safe to call twice: the second call finds the
    snapshot claimed (or done) and returns None."""
    if not _claim(snapshot_id):
        return None
    snapshot = NetworkSnapshot.objects.get(pk=snapshot_id)

    reached = [0]

    def report(stage: str) -> None:
        if stage in STAGES:
            reached[0] = max(reached[0], int(100 * STAGES.index(stage) / len(STAGES)))
        percent = reached[0]
        NetworkSnapshot.objects.filter(pk=snapshot_id).update(
            stage=stage, progress=percent, heartbeat=timezone.now()
        )
        progress(stage, percent)

    try:
        report("reading attendance")
        attendance = attendance_read(as_of=snapshot.as_of, programme_id=snapshot.programme_id)
        parameters = AnalysisParameters(**snapshot.parameters)
        analysis = network_analyse(attendance, parameters, progress=report)
        report("storing")
        with transaction.atomic():
            network_snapshot_store(snapshot=snapshot, analysis=analysis)
            snapshot.status = SnapshotStatus.DONE
            snapshot.stage = "done"
            snapshot.progress = 100
            snapshot.timings = analysis.timings
            snapshot.sizes = analysis.sizes
            snapshot.finished = timezone.now()
            snapshot.save()
        # Fresh statistics for the new rows, or the planner misjudges every snapshot query.
        analyse(ActorMetrics._meta.db_table, OrganisationMetrics._meta.db_table,
                NetworkTie._meta.db_table)  # fmt: skip
        progress("done", 100)
    except Exception as error:
        logger.exception("network snapshot %s stopped", snapshot_id)
        # A lost database connection hands the snapshot back (JobInterrupted: the task
        # retries); anything else fails it.
        failed = {"status": SnapshotStatus.FAILED, "finished": timezone.now()}
        job_stopped(NetworkSnapshot, snapshot_id, error, failed=failed)
    return snapshot


def _float(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


def _metric_rows(metrics: NodeMetrics, index: int, known: bool) -> list:
    roles = [int(metrics.roles[r][index]) if known else None for r in ROLES]
    sector_ties = {
        GROUPS[g] or "unknown": int(c) for g, c in enumerate(metrics.neighbour_sectors[index]) if c
    }
    return [
        int(metrics.degree[index]),
        float(metrics.weighted_degree[index]),
        float(metrics.betweenness[index]),
        float(metrics.closeness[index]),
        float(metrics.pagerank[index]),
        int(metrics.community[index]),
        _float(metrics.constraint[index]),
        _float(metrics.effective_size[index]),
        int(metrics.cross_sector_ties[index]) if known else None,
        int(metrics.sectors_reached[index]) if known else None,
        _float(metrics.ei_index[index]) if known else None,
        *roles,
        json.dumps(sector_ties),
    ]


ACTOR_COLUMNS = [
    "snapshot_id",
    "contact_id",
    "organisation_id",
    "forums_attended",
    "sector",
    *METRIC_COLUMNS,
]
TIE_COLUMNS = [
    "snapshot_id",
    "source_id",
    "target_id",
    "weight",
    "newman_weight",
    "first_forum_id",
    "first_rank",
]


def network_snapshot_store(*, snapshot: NetworkSnapshot, analysis: NetworkAnalysis) -> None:
    """Bulk-insert every per-contact, per-organisation, per-forum and per-sector row."""
    contacts, metrics = analysis.contacts, analysis.contact_metrics
    represented = analysis.contact_organisation
    bulk_insert(
        ActorMetrics._meta.db_table,
        ACTOR_COLUMNS,
        (
            [
                snapshot.pk,
                int(contact_id),
                int(represented[i]) if represented[i] >= 0 else None,
                int(analysis.contact_forums[i]),
                GROUPS[contacts.groups[i]],
                *_metric_rows(metrics, i, bool(metrics.sector_known[i])),
            ]
            for i, contact_id in enumerate(contacts.ids.tolist())
        ),
    )
    organisations, org_metrics = analysis.organisations, analysis.organisation_metrics
    bulk_insert(
        OrganisationMetrics._meta.db_table,
        ["snapshot_id", "organisation_id", "people", "people_active", "sector", *METRIC_COLUMNS],
        (
            [
                snapshot.pk,
                int(organisation_id),
                int(analysis.organisation_people[i]),
                int(analysis.organisation_active[i]),
                GROUPS[organisations.groups[i]],
                *_metric_rows(org_metrics, i, bool(org_metrics.sector_known[i])),
            ]
            for i, organisation_id in enumerate(organisations.ids.tolist())
        ),
    )
    growth = analysis.growth
    columns = [
        "attendees",
        "first_timers",
        "returning",
        "new_ties",
        "new_cross_sector_ties",
        "contacts_so_far",
        "ties_so_far",
        "cross_sector_ties_so_far",
    ]
    bulk_insert(
        ForumGrowth._meta.db_table,
        ["snapshot_id", "forum_id", "rank", "sectors_connected", *columns],
        (
            [
                snapshot.pk,
                int(forum_id),
                rank,
                json.dumps([list(pair) for pair in growth.sectors_connected[rank]]),
                *(int(getattr(growth, column)[rank]) for column in columns),
            ]
            for rank, forum_id in enumerate(analysis.forum_order.tolist())
        ),
    )
    sectors = analysis.sectors
    SectorSummary.objects.bulk_create(
        SectorSummary(
            snapshot=snapshot,
            sector=GROUPS[g],
            members=int(sectors.members[g]),
            internal_ties=int(sectors.ties[g, g]),
            external_ties=int(sectors.ties[g].sum() - sectors.ties[g, g]),
            ei_index=_float(sectors.ei_index[g]),
            density_within=float(sectors.density[g, g]),
        )
        for g in range(len(GROUPS))
        if sectors.members[g]
    )
    SectorLink.objects.bulk_create(
        SectorLink(
            snapshot=snapshot,
            sector_a=GROUPS[a],
            sector_b=GROUPS[b],
            ties=int(sectors.ties[a, b]),
            density=float(sectors.density[a, b]),
        )
        for a in range(len(GROUPS))
        for b in range(a, len(GROUPS))
        if sectors.members[a] and sectors.members[b]
    )
    ties = analysis.ties
    rank_of = {forum_id: rank for rank, forum_id in enumerate(analysis.forum_order.tolist())}
    rows = zip(
        ties.left.tolist(),
        ties.right.tolist(),
        ties.weight.tolist(),
        ties.newman.tolist(),
        ties.first_forum.tolist(),
        strict=True,
    )
    bulk_insert(
        NetworkTie._meta.db_table,
        TIE_COLUMNS,
        ([snapshot.pk, s, t, w, nw, f, rank_of[f]] for s, t, w, nw, f in rows),
    )
