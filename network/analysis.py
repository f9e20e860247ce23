"""The whole analysis of one period, from attendance arrays to plain results (no ORM).

A snapshot service feeds it what the selectors read and stores what it returns; the
benchmarks and tests call it directly.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from . import kernels
from .graphs import (
    Attendance,
    Membership,
    contact_membership,
    forum_ranks,
    organisation_membership,
    project,
)
from .growth import GrowthByForum, forum_growth
from .metrics import MetricParameters, NodeMetrics, node_metrics
from .sectors import SectorFigures, sector_figures


@dataclass(frozen=True)
class AnalysisParameters(MetricParameters):
    # How many of the strongest ties to keep for drawing the network.
    ties_kept: int = 100_000
    # People count as active for their organisation if they came in this many days.
    active_days: int = 365
    # Forums larger than this create no ties (None: no cap). An approximation for national
    # scale, where a few plenaries of 1,000 make half of all pairs; see the README.
    plenary_cap: int | None = None
    # When no cap is given and the forums would make more pairs than this, the largest
    # forums stop creating ties until they fit: about 24 bytes of memory per tie.
    max_ties: int | None = 50_000_000

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass
class StrongestTies:
    left: np.ndarray  # contact ids
    right: np.ndarray
    weight: np.ndarray
    newman: np.ndarray
    first_forum: np.ndarray  # forum ids


@dataclass
class NetworkAnalysis:
    forum_order: np.ndarray
    contacts: Membership
    contact_metrics: NodeMetrics
    contact_organisation: np.ndarray  # org represented at the latest forum, -1 if none
    contact_forums: np.ndarray  # forums attended
    organisations: Membership
    organisation_metrics: NodeMetrics
    organisation_people: np.ndarray  # distinct people who represented it
    organisation_active: np.ndarray  # ...of whom came within ``active_days``
    sectors: SectorFigures
    growth: GrowthByForum
    ties: StrongestTies
    sizes: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)


class _Stopwatch:
    def __init__(self, progress):
        self.timings: dict[str, float] = {}
        self.progress = progress
        self.stage = None
        self.started = time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        if self.stage is not None:
            self.timings[self.stage] = round(now - self.started, 3)
        self.stage, self.started = stage, now
        self.progress(stage)

    def stop(self) -> dict:
        self("done")
        self.timings.pop("done", None)
        return self.timings


def network_analyse(
    attendance: Attendance,
    parameters: AnalysisParameters = AnalysisParameters(),
    progress: Callable[[str], None] = lambda stage: None,
) -> NetworkAnalysis:
    clock = _Stopwatch(progress)
    clock("contact graph")
    contacts = contact_membership(attendance)
    cap = plenary_cap_for(contacts, parameters)
    tie_forming = _without_plenaries(contacts, cap)
    projection = project(tie_forming)
    contact_metrics = node_metrics(projection, tie_forming, parameters, progress=clock)
    clock("sectors")
    sectors = sector_figures(contacts.sectors, contact_metrics.neighbour_sectors)
    clock("growth")
    # Attendance figures count everyone, plenaries included; only ties skip capped forums.
    growth = forum_growth(contacts, tie_forming)
    clock("strongest ties")
    ties = _strongest(projection, tie_forming, attendance, parameters.ties_kept)
    sizes = _sizes(attendance, contacts, projection, contact_metrics)
    sizes["plenary_cap"] = cap
    del projection  # the largest object: free it before the organisation graph
    clock("organisation graph")
    organisations = organisation_membership(attendance)
    organisation_projection = project(_without_plenaries(organisations, cap))
    organisation_metrics = node_metrics(
        organisation_projection,
        organisations,
        parameters,
        progress=lambda stage: clock(f"organisations: {stage}"),
    )
    sizes.update(
        organisations=int(organisation_projection.n_nodes),
        organisation_ties=int(organisation_projection.n_ties),
    )
    clock("people per organisation")
    people, active = _organisation_people(attendance, organisations, parameters.active_days)
    last_org, forums_attended = _contact_affiliation_of_record(attendance, contacts)
    return NetworkAnalysis(
        forum_order=attendance.forum_order,
        contacts=contacts,
        contact_metrics=contact_metrics,
        contact_organisation=last_org,
        contact_forums=forums_attended,
        organisations=organisations,
        organisation_metrics=organisation_metrics,
        organisation_people=people,
        organisation_active=active,
        sectors=sectors,
        growth=growth,
        ties=ties,
        sizes=sizes,
        timings=clock.stop(),
    )


def plenary_cap_for(membership: Membership, parameters: AnalysisParameters) -> int | None:
    """The forum size above which forums create no ties: the one asked for, or the largest
    that keeps the number of pairs within ``max_ties`` (None when everything fits)."""
    if parameters.plenary_cap is not None or parameters.max_ties is None:
        return parameters.plenary_cap
    sizes = np.sort(np.asarray(membership.matrix.sum(axis=0)).ravel().astype(np.int64))
    pairs = np.cumsum(sizes * (sizes - 1) // 2)  # an upper bound: repeated pairs count twice
    if len(pairs) == 0 or pairs[-1] <= parameters.max_ties:
        return None
    fitting = np.searchsorted(pairs, parameters.max_ties, side="right")  # forums that fit
    return int(sizes[fitting - 1]) if fitting else 0


def _without_plenaries(membership: Membership, cap: int | None) -> Membership:
    if cap is None:
        return membership
    sizes = np.asarray(membership.matrix.sum(axis=0)).ravel()
    keep = sp.diags((sizes <= cap).astype(np.float32))
    matrix = sp.csr_matrix(membership.matrix @ keep)
    matrix.eliminate_zeros()
    matrix.sort_indices()
    return Membership(ids=membership.ids, matrix=matrix, sectors=membership.sectors)


def _strongest(projection, membership, attendance, keep) -> StrongestTies:
    weight = projection.weight
    i, j, w, nw = kernels.strongest_ties(
        weight.indptr, weight.indices, weight.data, projection.newman, keep
    )
    first = kernels.first_common_forum(membership.matrix.indptr, membership.matrix.indices, i, j)
    ids = membership.ids
    return StrongestTies(
        left=ids[i],
        right=ids[j],
        weight=w,
        newman=nw,
        first_forum=attendance.forum_order[first],
    )


def _sizes(attendance, contacts, projection, metrics) -> dict:
    n = projection.n_nodes
    components, labels = (
        connected_components(projection.weight, directed=False) if n else (0, np.zeros(0))
    )
    largest = int(np.bincount(labels).max()) if n else 0
    ties = projection.n_ties
    return {
        "participations": len(attendance.contact),
        "forums": len(attendance.forum_order),
        "contacts": n,
        "ties": ties,
        "density": round(2 * ties / (n * (n - 1)), 6) if n > 1 else 0.0,
        "components": int(components),
        "largest_component": largest,
        "isolates": int((metrics.degree == 0).sum()) if n else 0,
        "communities": int(metrics.community.max() + 1) if n else 0,
        "betweenness_pivots": metrics.pivots,
    }


def _organisation_people(attendance, organisations, active_days):
    """Distinct people who represented each organisation, in all and recently."""
    represented = attendance.organisation >= 0
    if not represented.any():
        zeros = np.zeros(len(organisations.ids), dtype=np.int64)
        return zeros, zeros
    org_row = np.searchsorted(organisations.ids, attendance.organisation[represented])
    people = attendance.contact[represented]
    day = attendance.forum_days[forum_ranks(attendance)[represented]]
    recent = day > attendance.forum_days.max() - active_days

    def distinct(mask):
        pairs = np.unique(np.stack([org_row[mask], people[mask]]), axis=1)
        return np.bincount(pairs[0], minlength=len(organisations.ids)).astype(np.int64)

    return distinct(np.ones(len(org_row), dtype=bool)), distinct(recent)


def _contact_affiliation_of_record(attendance, contacts):
    """Each contact's organisation at the latest forum where they represented one, and
    their number of forums."""
    last = np.full(len(contacts.ids), -1, dtype=np.int64)
    represented = np.flatnonzero(attendance.organisation >= 0)
    rows = np.searchsorted(contacts.ids, attendance.contact[represented])
    order = np.lexsort((forum_ranks(attendance)[represented], rows))  # by contact, then date
    rows_sorted = rows[order]
    is_last = np.r_[rows_sorted[1:] != rows_sorted[:-1], True] if len(order) else order
    last[rows_sorted[is_last]] = attendance.organisation[represented][order][is_last]
    forums = np.diff(contacts.matrix.indptr).astype(np.int64)
    return last, forums
