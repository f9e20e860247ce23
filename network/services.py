"""Writes: requesting, building and storing network snapshots (the job itself is the shared
snapshot pattern of core.snapshots)."""

import datetime
import json
from collections.abc import Callable

from django.conf import settings

from core.bulk import analyse, bulk_insert, float_or_null
from core.queue import NETWORK_SNAPSHOT_BUILD
from core.snapshots import SnapshotJob
from crm.models import Programme
from crm.models.choices import UNKNOWN_SECTOR_NAME

from .analysis import AnalysisParameters, NetworkAnalysis, network_analyse
from .graphs import SECTOR_ORDER
from .metrics import BrokerageRole, NodeMetrics
from .models import (
    METRIC_COLUMNS,
    ActorMetrics,
    ForumGrowth,
    NetworkSnapshot,
    NetworkTie,
    OrganisationMetrics,
    SectorLink,
    SectorSummary,
)
from .selectors import attendance_read

# Progress shown while a snapshot is built: the analysis reports these stages in order.
STAGES = (
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
)


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


class NetworkSnapshotJob(SnapshotJob):
    model = NetworkSnapshot
    task = NETWORK_SNAPSHOT_BUILD
    lease_setting = "NETWORK_LEASE_SECONDS"
    delay_setting = "NETWORK_RECOMPUTE_DELAY"
    stages = STAGES

    def parameters(self) -> dict:
        return analysis_parameters().as_dict()

    def compute(self, snapshot: NetworkSnapshot, report) -> NetworkAnalysis:
        report("reading attendance")
        attendance = attendance_read(as_of=snapshot.as_of, programme_id=snapshot.programme_id)
        parameters = AnalysisParameters(**snapshot.parameters)
        return network_analyse(attendance, parameters, progress=report)

    def store(self, snapshot: NetworkSnapshot, result: NetworkAnalysis) -> None:
        network_snapshot_store(snapshot=snapshot, analysis=result)
        snapshot.timings = result.timings
        snapshot.sizes = result.sizes

    def after_store(self, snapshot: NetworkSnapshot) -> None:
        # Fresh statistics for the new rows, or the planner misjudges every snapshot query.
        analyse(ActorMetrics._meta.db_table, OrganisationMetrics._meta.db_table,
                NetworkTie._meta.db_table)  # fmt: skip


NETWORK_SNAPSHOTS = NetworkSnapshotJob()


def network_recompute_schedule() -> None:
    """After participations change: one automatic recompute, NETWORK_RECOMPUTE_DELAY
    seconds later, absorbing the changes that follow (core.snapshots)."""
    NETWORK_SNAPSHOTS.schedule()


def network_snapshot_build(
    *, snapshot_id: int, progress: Callable[[str, int], None] = lambda stage, percent: None
) -> NetworkSnapshot | None:
    """Compute and store a queued snapshot. Safe to call twice: the second call finds the
    snapshot claimed (or done) and returns None."""
    return NETWORK_SNAPSHOTS.build(snapshot_id, progress=progress)


def network_snapshot_compute(
    *,
    as_of: datetime.date | None = None,
    programme: Programme | None = None,
    parameters: AnalysisParameters | None = None,
    progress: Callable[[str, int], None] = lambda stage, percent: None,
) -> NetworkSnapshot | None:
    """Compute a snapshot now, in this process (the command)."""
    return NETWORK_SNAPSHOTS.compute_now(
        as_of=as_of,
        programme=programme,
        parameters=parameters.as_dict() if parameters else None,
        progress=progress,
    )


def _metric_rows(metrics: NodeMetrics, index: int, known: bool) -> list:
    """One node's values of METRIC_COLUMNS, in their order."""
    sector_ties = {
        SECTOR_ORDER[code] or UNKNOWN_SECTOR_NAME: int(count)
        for code, count in enumerate(metrics.neighbour_sectors[index])
        if count
    }
    values = {
        "degree": int(metrics.degree[index]),
        "weighted_degree": float(metrics.weighted_degree[index]),
        "betweenness": float(metrics.betweenness[index]),
        "closeness": float(metrics.closeness[index]),
        "pagerank": float(metrics.pagerank[index]),
        "community": int(metrics.community[index]),
        "constraint": float_or_null(metrics.constraint[index]),
        "effective_size": float_or_null(metrics.effective_size[index]),
        "cross_sector_ties": int(metrics.cross_sector_ties[index]) if known else None,
        "sectors_reached": int(metrics.sectors_reached[index]) if known else None,
        "ei_index": float_or_null(metrics.ei_index[index]) if known else None,
        **{
            role.value: int(metrics.brokerage[role][index]) if known else None
            for role in BrokerageRole
        },
        "sector_ties": json.dumps(sector_ties),
    }
    return [values[column] for column in METRIC_COLUMNS]


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
                SECTOR_ORDER[contacts.sectors[i]],
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
                SECTOR_ORDER[organisations.sectors[i]],
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
            sector=SECTOR_ORDER[g],
            members=int(sectors.members[g]),
            internal_ties=int(sectors.ties[g, g]),
            external_ties=int(sectors.ties[g].sum() - sectors.ties[g, g]),
            ei_index=float_or_null(sectors.ei_index[g]),
            density_within=float(sectors.density[g, g]),
        )
        for g in range(len(SECTOR_ORDER))
        if sectors.members[g]
    )
    SectorLink.objects.bulk_create(
        SectorLink(
            snapshot=snapshot,
            sector_a=SECTOR_ORDER[a],
            sector_b=SECTOR_ORDER[b],
            ties=int(sectors.ties[a, b]),
            density=float(sectors.density[a, b]),
        )
        for a in range(len(SECTOR_ORDER))
        for b in range(a, len(SECTOR_ORDER))
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
