"""Graphs built from attendance, as plain arrays and sparse matrices (no ORM here).

- the bipartite contact–forum graph (networkx, roles as edge data), for exports;
- the co-attendance projection of contacts: ``weight`` = forums attended together and
  Newman's (2001) collaboration weight sum_f 1/(n_f - 1) as ``newman_weight``, built with
  sparse matrix products (B Bᵀ), never by looping over attendee pairs;
- the organisation projection: organisations tied by forums at which both were represented.
"""

import datetime
from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp

# The vocabulary only (an enum, no queries): sectors are crm's, never a copy.
from crm.models.choices import UNKNOWN_SECTOR, Sector

# Arrays hold a sector as its small integer code: its position here. crm's sectors in their
# declared order, then one code for people and organisations without a known sector.
SECTOR_ORDER = (*Sector.values, UNKNOWN_SECTOR)
UNKNOWN_SECTOR_CODE = len(SECTOR_ORDER) - 1


def sector_codes(sectors) -> np.ndarray:
    """Sector slugs to their codes (unknown and blank map to ``UNKNOWN_SECTOR_CODE``)."""
    index = {sector: code for code, sector in enumerate(SECTOR_ORDER)}
    return np.array([index.get(s, UNKNOWN_SECTOR_CODE) for s in sectors], dtype=np.int8)


@dataclass(frozen=True)
class Attendance:
    """Attended participations, one entry each, and the forums of the period in order.

    ``forum_order`` lists every forum of the period chronologically (date, then id), with
    or without attendees, and ``forum_days`` their dates as ordinals; ``*_sector`` map ids
    to sector slugs.
    """

    contact: np.ndarray  # int64, per participation
    forum: np.ndarray  # int64, per participation
    organisation: np.ndarray  # int64, per participation; -1 when none was recorded
    role: np.ndarray  # str, per participation
    forum_order: np.ndarray  # int64 forum ids, chronological
    forum_days: np.ndarray  # int64 proleptic ordinal of each forum's date, same order
    contact_sector: dict
    organisation_sector: dict

    def __post_init__(self):
        if not len(self.contact) == len(self.forum) == len(self.organisation) == len(self.role):
            raise ValueError("attendance arrays must have the same length")


def attendance_from_rows(
    forums: list[tuple[int, datetime.date]],
    participations: list[tuple[int, int, int | None, str]],
    contact_sector: dict,
    organisation_sector: dict,
) -> Attendance:
    """``Attendance`` from plain rows: the period's forums (id, date), in any order, and the
    attended participations at them (contact, forum, organisation or None, role)."""
    forums = sorted(forums, key=lambda f: (f[1], f[0]))
    # The rows come from separate reads: a forum re-dated out of the period in between
    # would have participations but no place in the order. They are left out.
    period = {f for f, _ in forums}
    rows = [r for r in participations if r[1] in period]
    n = len(rows)
    return Attendance(
        contact=np.fromiter((r[0] for r in rows), np.int64, n),
        forum=np.fromiter((r[1] for r in rows), np.int64, n),
        organisation=np.fromiter((r[2] if r[2] is not None else -1 for r in rows), np.int64, n),
        role=np.array([r[3] for r in rows], dtype=object),
        forum_order=np.array([f for f, _ in forums], dtype=np.int64),
        forum_days=np.array([d.toordinal() for _, d in forums], dtype=np.int64),
        contact_sector=contact_sector,
        organisation_sector=organisation_sector,
    )


@dataclass(frozen=True)
class Membership:
    """Who (rows) attended which forum (columns, in chronological rank): a binary matrix.

    ``ids`` are the row entities' ids (contacts or organisations) in row order.
    """

    ids: np.ndarray
    matrix: sp.csr_matrix  # rows × forums, 1.0 where attended
    sectors: np.ndarray  # int8 sector code per row (see SECTOR_ORDER)


@dataclass(frozen=True)
class Projection:
    """An undirected weighted graph as symmetric CSR without self-loops.

    ``weight`` data are forums shared; ``newman`` holds Newman's weights aligned with
    ``weight.data`` (same sparsity pattern and order).
    """

    weight: sp.csr_matrix
    newman: np.ndarray

    @property
    def n_nodes(self) -> int:
        return self.weight.shape[0]

    @property
    def n_ties(self) -> int:
        return self.weight.nnz // 2


def forum_ranks(attendance: Attendance) -> np.ndarray:
    """Each participation's forum as its chronological rank in ``forum_order``."""
    order = np.argsort(attendance.forum_order, kind="stable")
    position = np.searchsorted(attendance.forum_order[order], attendance.forum)
    return order[position]


def contact_membership(attendance: Attendance) -> Membership:
    ids, rows = np.unique(attendance.contact, return_inverse=True)
    sectors = [attendance.contact_sector.get(int(i), UNKNOWN_SECTOR) for i in ids]
    return _membership(ids, rows, forum_ranks(attendance), len(attendance.forum_order), sectors)


def organisation_membership(attendance: Attendance) -> Membership:
    """Organisations × forums: an organisation attended a forum when someone represented it."""
    represented = attendance.organisation >= 0
    ids, rows = np.unique(attendance.organisation[represented], return_inverse=True)
    ranks = forum_ranks(attendance)[represented]
    sectors = [attendance.organisation_sector.get(int(i), UNKNOWN_SECTOR) for i in ids]
    return _membership(ids, rows, ranks, len(attendance.forum_order), sectors)


def _membership(ids, rows, ranks, n_forums, sectors) -> Membership:
    # float32 holds every count up to 16 million exactly and halves the memory of the
    # projection, which is what bounds a national-scale run.
    matrix = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, ranks)), shape=(len(ids), n_forums)
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1.0  # attending twice (two representatives) is still one attendance
    matrix.sort_indices()
    return Membership(ids=ids, matrix=matrix, sectors=sector_codes(sectors))


def project(membership: Membership) -> Projection:
    """The one-mode projection: w_ij = forums both attended, Newman's weights alongside."""
    b = membership.matrix
    sizes = np.asarray(b.sum(axis=0)).ravel()
    # Newman (2001): a forum of n people adds 1/(n - 1) to each tie it creates, so a
    # 1,000-person plenary weighs little next to a ten-person working session.
    scale = np.divide(1.0, sizes - 1, out=np.zeros_like(sizes), where=sizes > 1)
    newman = _offdiagonal(b @ sp.diags(scale.astype(np.float32)) @ b.T)
    # Both products have an entry exactly where two people shared a forum, so after
    # sorting the patterns coincide and only the values of the first need keeping. Keeping
    # just those before the second product bounds the peak memory of the projection.
    newman_values, newman_indptr = newman.data, newman.indptr
    del newman
    weight = _offdiagonal(b @ b.T)
    if len(newman_values) != weight.nnz or not np.array_equal(newman_indptr, weight.indptr):
        raise AssertionError("the two projections must share one sparsity pattern")
    return Projection(weight=weight, newman=newman_values)


def _offdiagonal(matrix) -> sp.csr_matrix:
    matrix = sp.csr_matrix(matrix)
    matrix.setdiag(0)
    matrix.eliminate_zeros()
    matrix.sort_indices()
    return matrix


def contact_forum_graph(attendance: Attendance) -> nx.Graph:
    """The bipartite contact–forum graph, roles kept as edge data, for export and checks.

    Nodes are ``("contact", id)`` and ``("forum", id)`` with ``bipartite`` 0 and 1.
    """
    graph = nx.Graph()
    graph.add_nodes_from((("forum", int(f)) for f in attendance.forum_order), bipartite=1)
    for contact, forum, role in zip(
        attendance.contact.tolist(),
        attendance.forum.tolist(),
        attendance.role.tolist(),
        strict=True,
    ):
        graph.add_node(
            ("contact", contact), bipartite=0, sector=attendance.contact_sector.get(contact, "")
        )
        graph.add_edge(("contact", contact), ("forum", forum), role=role)
    return graph
