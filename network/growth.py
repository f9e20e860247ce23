"""How each forum grew the network: newcomers, returning people, new ties, new bridges."""

from dataclasses import dataclass

import numpy as np

from . import kernels
from .graphs import SECTOR_ORDER, UNKNOWN_SECTOR_CODE, Membership


@dataclass
class GrowthByForum:
    """Per forum, in chronological rank order (stored as network.models.ForumGrowth rows)."""

    attendees: np.ndarray
    first_timers: np.ndarray
    returning: np.ndarray
    new_ties: np.ndarray
    new_cross_sector_ties: np.ndarray
    # sector pairs (a, b), a < b, tied for the first time at this forum
    sectors_connected: list[list[tuple[str, str]]]
    contacts_so_far: np.ndarray
    ties_so_far: np.ndarray
    cross_sector_ties_so_far: np.ndarray


def forum_growth(attended: Membership, tie_forming: Membership | None = None) -> GrowthByForum:
    """Per-forum figures. ``tie_forming`` is the attendance that creates ties, when some
    forums (capped plenaries) count for attendance but not for ties."""
    matrix = attended.matrix
    n_forums = matrix.shape[1]
    attendees = np.asarray(matrix.sum(axis=0)).ravel().astype(np.int64)
    first_timers = np.zeros(n_forums, dtype=np.int64)
    has_any = np.diff(matrix.indptr) > 0
    # Columns are sorted by rank, so a person's first forum is their first column index.
    first_forum = matrix.indices[matrix.indptr[:-1][has_any]]
    np.add.at(first_timers, first_forum, 1)
    membership = tie_forming or attended
    matrix = membership.matrix
    by_forum = matrix.tocsc()
    by_forum.sort_indices()
    new_ties, new_cross, first_link = kernels.tie_births(
        matrix.indptr,
        matrix.indices,
        by_forum.indptr,
        by_forum.indices,
        membership.sectors,
        len(SECTOR_ORDER),
        UNKNOWN_SECTOR_CODE,
    )
    connected: list[list[tuple[str, str]]] = [[] for _ in range(n_forums)]
    for a in range(UNKNOWN_SECTOR_CODE):
        for b in range(a + 1, UNKNOWN_SECTOR_CODE):
            if first_link[a, b] >= 0:
                connected[first_link[a, b]].append((SECTOR_ORDER[a], SECTOR_ORDER[b]))
    return GrowthByForum(
        attendees=attendees,
        first_timers=first_timers,
        returning=attendees - first_timers,
        new_ties=new_ties,
        new_cross_sector_ties=new_cross,
        sectors_connected=connected,
        contacts_so_far=np.cumsum(first_timers),
        ties_so_far=np.cumsum(new_ties),
        cross_sector_ties_so_far=np.cumsum(new_cross),
    )
