"""Sector-level figures: ties between every pair of sectors, densities, E-I per sector.

Krackhardt & Stern (1988): for a sector, E counts its members' ties to other sectors and
I the ties among its members; E-I = (E - I) / (E + I), from -1 (closed) to +1 (open).
"""

from dataclasses import dataclass

import numpy as np

from .graphs import GROUPS


@dataclass
class SectorFigures:
    members: np.ndarray  # per group
    ties: np.ndarray  # groups × groups; diagonal = ties within the group, each tie once
    density: np.ndarray  # groups × groups: ties / possible ties
    ei_index: np.ndarray  # per group; NaN for a group without ties


def sector_figures(groups: np.ndarray, neighbour_sectors: np.ndarray) -> SectorFigures:
    """From each node's neighbours per sector (computed with the node metrics)."""
    n_groups = len(GROUPS)
    codes = groups.astype(np.int64)
    members = np.bincount(codes, minlength=n_groups)
    ties = np.zeros((n_groups, n_groups), dtype=np.int64)
    np.add.at(ties, codes, neighbour_sectors)
    # A tie within one sector is seen from both of its ends.
    within = np.diag(ties) // 2
    ties[np.diag_indices(n_groups)] = within
    possible = np.outer(members, members).astype(float)
    possible[np.diag_indices(n_groups)] = members * (members - 1) / 2
    density = np.divide(ties, possible, out=np.zeros_like(possible), where=possible > 0)
    external = ties.sum(axis=1) - within
    total = external + within
    ei = np.divide(external - within, total, out=np.full(n_groups, np.nan), where=total > 0)
    return SectorFigures(members=members, ties=ties, density=density, ei_index=ei)
