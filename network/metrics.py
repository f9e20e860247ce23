"""Per-node metrics of a co-attendance graph (contacts or organisations).

Definitions follow networkx where networkx has the metric, so that the tests can compare
against it directly:

- ``betweenness``: normalised shortest-path betweenness on the unweighted graph
  (Brandes 2001; networkx's normalisation, endpoints excluded). Exact up to
  ``exact_limit`` nodes; above that estimated from ``pivots`` BFS sources drawn with a fixed
  seed (Brandes & Pich 2007), rescaled as networkx does for ``k``.
- ``closeness``: harmonic centrality (Marchiori & Latora 2000; Boldi & Vigna 2014) divided
  by n - 1, so it lies in [0, 1]; from the same BFS passes (the sampled version averages
  1/d over the pivots).
- ``pagerank``: weighted by ``weight``, alpha 0.85, dangling nodes spread uniformly.
- ``community``: Louvain (Blondel et al. 2008) on ``weight``, seeded (node order), ties
  between equal gains broken towards the smaller community id; communities numbered by
  size (0 is the largest).
- ``constraint`` and ``effective_size``: Burt (1992), weighted by ``weight`` (networkx's
  ``constraint``/``effective_size`` with ``weight="weight"``); undefined for isolates.
- ``cross_sector_ties``, ``sectors_reached`` and ``ei_index`` (Krackhardt & Stern 1988:
  (external - internal) / (external + internal) ties) on sectors.
- Brokerage (Gould & Fernandez 1989), undirected: for every pair of the node's neighbours
  that are not tied to each other, by the sectors of the node (B) and of the pair (A, C):
  coordinator A = B = C; consultant A = C != B; liaison A, B, C all different; and a pair
  with exactly one neighbour in B's sector counts once as ``gatekeeper`` and once as
  ``representative`` (the two directions of the undirected path A - B - C).

Contacts or alters without a known sector take no part in the sector measures: their ties
are neither internal nor external, and pairs involving them are not classified.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy

from . import kernels
from .graphs import SECTOR_ORDER, UNKNOWN_SECTOR_CODE, Membership, Projection


class BrokerageRole(TextChoices):
    """Gould & Fernandez (1989)'s brokerage roles, in the order of the stored columns. The
    values are the literature's terms and the API's field names; a "coordinator" here is a
    broker within one sector, not the coordinators' user group (crm.roles)."""

    COORDINATOR = "coordinator", gettext_lazy("Brokerage: coordinator")
    GATEKEEPER = "gatekeeper", gettext_lazy("Brokerage: gatekeeper")
    REPRESENTATIVE = "representative", gettext_lazy("Brokerage: representative")
    CONSULTANT = "consultant", gettext_lazy("Brokerage: consultant")
    LIAISON = "liaison", gettext_lazy("Brokerage: liaison")


# The roles that span sectors: a broker's cross-sector brokerage is their sum.
CROSS_SECTOR_ROLES = (
    BrokerageRole.GATEKEEPER,
    BrokerageRole.REPRESENTATIVE,
    BrokerageRole.CONSULTANT,
    BrokerageRole.LIAISON,
)


@dataclass(frozen=True)
class MetricParameters:
    exact_limit: int = 5_000
    pivots: int = 256
    seed: int = 2017
    resolution: float = 1.0
    pagerank_alpha: float = 0.85
    pagerank_tolerance: float = 1.0e-6
    pagerank_max_iterations: int = 200


@dataclass
class NodeMetrics:
    degree: np.ndarray
    weighted_degree: np.ndarray
    betweenness: np.ndarray
    closeness: np.ndarray
    pagerank: np.ndarray
    community: np.ndarray
    constraint: np.ndarray  # NaN for isolates
    effective_size: np.ndarray  # NaN for isolates
    neighbour_sectors: np.ndarray  # n × sectors: neighbours per sector code
    sector_known: np.ndarray  # bool: the sector measures below are defined
    cross_sector_ties: np.ndarray
    sectors_reached: np.ndarray
    ei_index: np.ndarray  # NaN when undefined
    brokerage: dict[str, np.ndarray] = field(default_factory=dict)  # by BrokerageRole
    pivots: int | None = None  # None: betweenness and closeness are exact


def node_metrics(
    projection: Projection,
    membership: Membership,
    parameters: MetricParameters,
    progress: Callable[[str], None] = lambda stage: None,
) -> NodeMetrics:
    weight = projection.weight
    n = projection.n_nodes
    if n == 0:
        return empty_metrics()
    sectors = membership.sectors
    degree = np.diff(weight.indptr).astype(np.int64)
    weighted_degree = np.asarray(weight.sum(axis=1), dtype=np.float64).ravel()

    progress("betweenness and closeness")
    betweenness, closeness, pivots = shortest_path_metrics(weight, parameters)
    progress("pagerank")
    rank = pagerank(weight, parameters)
    progress("communities")
    community = communities(weight, parameters)
    progress("constraint, effective size and brokerage")
    repeated = kernels.repeated_ties(weight.indptr, weight.indices, weight.data)
    constraint, effective_size, tied_pairs = kernels.ego_structure(
        weight.indptr,
        weight.indices,
        weight.data,
        *repeated,
        membership.matrix.indptr,
        membership.matrix.indices,
        membership.matrix.shape[1],
        sectors,
        len(SECTOR_ORDER),
        kernels.thread_count(),
    )
    neighbour_sectors = kernels.neighbours_by_group(
        weight.indptr, weight.indices, sectors, len(SECTOR_ORDER)
    )
    sector = sector_measures(sectors, neighbour_sectors, tied_pairs)
    return NodeMetrics(
        degree=degree,
        weighted_degree=weighted_degree,
        betweenness=betweenness,
        closeness=closeness,
        pagerank=rank,
        community=community,
        constraint=constraint,
        effective_size=effective_size,
        neighbour_sectors=neighbour_sectors,
        pivots=pivots,
        **sector,
    )


def binary(weight: sp.csr_matrix) -> sp.csr_matrix:
    """The unweighted adjacency (a copy: only for graphs small enough to go dense)."""
    adjacency = weight.copy()
    adjacency.data = np.ones_like(adjacency.data)
    return adjacency


# Below this many nodes, and above this density, exact shortest paths go through dense
# matrix products (BLAS) instead of one BFS per source: an organisation graph of 2,500
# nodes and 2.5 million ties takes seconds this way and most of a minute by BFS.
DENSE_MAX_NODES = 6_000
DENSE_MIN_DENSITY = 0.05


def shortest_path_metrics(weight: sp.csr_matrix, parameters: MetricParameters):
    """Normalised betweenness and harmonic closeness from one set of BFS passes."""
    n = weight.shape[0]
    density = weight.nnz / (n * (n - 1)) if n > 1 else 0.0
    if n <= parameters.exact_limit and n <= DENSE_MAX_NODES and density >= DENSE_MIN_DENSITY:
        raw, harmonic = dense_brandes(binary(weight))
        sources = np.arange(n, dtype=np.int64)
        pivots = None
    else:
        if n <= parameters.exact_limit:
            sources = np.arange(n, dtype=np.int64)
            pivots = None
        else:
            rng = np.random.default_rng(parameters.seed)
            pivots = min(parameters.pivots, n)
            sources = np.sort(rng.choice(n, size=pivots, replace=False)).astype(np.int64)
        raw, harmonic = kernels.brandes(
            weight.indptr, weight.indices, sources, kernels.thread_count()
        )
    is_source = np.zeros(n, dtype=bool)
    is_source[sources] = True
    k = len(sources)
    betweenness = np.zeros(n)
    if n > 2:
        if pivots is None:
            betweenness = raw / ((n - 1) * (n - 2))
        else:
            # networkx's rescaling for k sources with endpoints excluded: a source cannot
            # lie on its own paths, so it is averaged over the other k - 1 sources.
            scale = np.where(
                is_source,
                1.0 / ((k - 1) * (n - 2)) if k > 1 else 0.0,
                1.0 / (k * (n - 2)),
            )
            betweenness = raw * scale
    # harmonic[v] sums 1/d(s, v) over the sources s != v: its mean over them, times
    # (n - 1), estimates the harmonic centrality; divided by n - 1 it is the mean itself.
    others = k - is_source.astype(np.int64)
    closeness = np.divide(harmonic, others, out=np.zeros(n), where=others > 0)
    return betweenness, closeness, pivots


def dense_brandes(adjacency: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Brandes' algorithm for every source at once, level by level, with dense products.

    sigma[s, v] counts shortest s-v paths and level[s, v] is their length; the backward
    pass accumulates dependencies delta[s, v] one distance level at a time
    (Brandes 2001, eq. 6, written for all sources as matrix products).
    """
    n = adjacency.shape[0]
    a = adjacency.toarray().astype(np.float64)
    sigma = np.eye(n)
    level = np.where(np.eye(n, dtype=bool), 0, -1).astype(np.int16)
    frontier = np.eye(n)
    depth = 0
    while frontier.any():
        reached = frontier @ a
        reached[level >= 0] = 0.0  # only nodes not seen at a shorter distance
        depth += 1
        new = reached > 0
        level[new] = depth
        sigma[new] = reached[new]
        frontier = reached
    delta = np.zeros((n, n))
    for d in range(depth - 1, 0, -1):
        after = np.where(level == d + 1, (1.0 + delta) / np.where(sigma > 0, sigma, 1.0), 0.0)
        at = level == d
        delta[at] += (sigma * (after @ a))[at]
    harmonic = np.divide(1.0, level, out=np.zeros((n, n)), where=level > 0).sum(axis=0)
    return delta.sum(axis=0), harmonic


def pagerank(weight: sp.csr_matrix, parameters: MetricParameters) -> np.ndarray:
    """Weighted PageRank by power iteration, as networkx computes it with scipy."""
    n = weight.shape[0]
    strength = np.asarray(weight.sum(axis=1), dtype=np.float64).ravel()
    inverse = np.divide(1.0, strength, out=np.zeros(n), where=strength > 0)
    dangling = strength == 0
    alpha = parameters.pagerank_alpha
    x = np.full(n, 1.0 / n)
    teleport = np.full(n, 1.0 / n)
    for _ in range(parameters.pagerank_max_iterations):
        previous = x
        # x M with M = D^-1 W; W is symmetric, so that is W (x / strength).
        x = alpha * (weight @ (x * inverse) + x[dangling].sum() * teleport) + (1 - alpha) * teleport
        if np.abs(x - previous).sum() < n * parameters.pagerank_tolerance:
            break
    return x


def communities(weight: sp.csr_matrix, parameters: MetricParameters) -> np.ndarray:
    """Seeded Louvain labels, renumbered by community size (0 = largest)."""
    n = weight.shape[0]
    labels = kernels.louvain(
        weight.indptr, weight.indices, weight.data, parameters.seed, parameters.resolution
    )
    sizes = np.bincount(labels, minlength=1)
    first_member = np.full(len(sizes), n)
    np.minimum.at(first_member, labels, np.arange(n))
    order = np.lexsort((first_member, -sizes))  # by size, then by first member: stable
    renumber = np.empty(len(sizes), dtype=np.int64)
    renumber[order] = np.arange(len(sizes))
    return renumber[labels]


def sector_measures(sectors, neighbour_sectors, tied_pairs) -> dict:
    """Cross-sector ties, sectors reached, E-I index and brokerage roles per node."""
    n, n_sectors = neighbour_sectors.shape
    known = np.arange(n_sectors) != UNKNOWN_SECTOR_CODE
    own = sectors.astype(np.int64)
    sector_known = own != UNKNOWN_SECTOR_CODE
    counts = neighbour_sectors * known  # alters of unknown sector take no part
    internal = counts[np.arange(n), own] * sector_known
    external = counts.sum(axis=1) - internal
    reached = ((counts > 0) & (np.arange(n_sectors) != own[:, None])).sum(axis=1)
    total = external + internal
    ei = np.divide(external - internal, total, out=np.full(n, np.nan), where=total > 0)
    ei[~sector_known] = np.nan

    within_sector, gatekeeper, consultant, liaison = kernels.brokerage_roles(
        own, neighbour_sectors, tied_pairs, UNKNOWN_SECTOR_CODE
    )
    brokerage = {
        BrokerageRole.COORDINATOR: within_sector,
        BrokerageRole.GATEKEEPER: gatekeeper,
        BrokerageRole.REPRESENTATIVE: gatekeeper.copy(),
        BrokerageRole.CONSULTANT: consultant,
        BrokerageRole.LIAISON: liaison,
    }
    cross = external * sector_known
    return {
        "sector_known": sector_known,
        "cross_sector_ties": cross.astype(np.int64),
        "sectors_reached": (reached * sector_known).astype(np.int64),
        "ei_index": ei,
        "brokerage": brokerage,
    }


def empty_metrics() -> NodeMetrics:
    none = np.zeros(0)
    ints = np.zeros(0, dtype=np.int64)
    return NodeMetrics(
        degree=ints,
        weighted_degree=none,
        betweenness=none,
        closeness=none,
        pagerank=none,
        community=ints,
        constraint=none,
        effective_size=none,
        neighbour_sectors=np.zeros((0, len(SECTOR_ORDER)), dtype=np.int64),
        sector_known=np.zeros(0, dtype=bool),
        cross_sector_ties=ints,
        sectors_reached=ints,
        ei_index=none,
        brokerage=dict.fromkeys(BrokerageRole, ints),
    )
