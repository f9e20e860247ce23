"""Sector-level figures: ties between every pair of sectors, densities, E-I per sector.

Krackhardt & Stern (1988): for a sector, E counts its members' ties to other sectors and
I the ties among its members; E-I = (E - I) / (E + I), from -1 (closed) to +1 (open).
"""

from dataclasses import dataclass

import numpy as np

from .graphs import SECTOR_ORDER


@dataclass
class SectorFigures:
    members: np.ndarray  # per sector code (SECTOR_ORDER)
    ties: np.ndarray  # sectors × sectors; diagonal = ties within the sector, each tie once
    density: np.ndarray  # sectors × sectors: ties / possible ties
    ei_index: np.ndarray  # per sector; NaN for a sector without ties


def sector_figures(sectors: np.ndarray, neighbour_sectors: np.ndarray) -> SectorFigures:
    """From each node's sector code and neighbours per sector (computed with the node
    metrics)."""
    n_sectors = len(SECTOR_ORDER)
    codes = sectors.astype(np.int64)
    members = np.bincount(codes, minlength=n_sectors)
    ties = np.zeros((n_sectors, n_sectors), dtype=np.int64)
    np.add.at(ties, codes, neighbour_sectors)
    # A tie within one sector is seen from both of its ends.
    within = np.diag(ties) // 2
    ties[np.diag_indices(n_sectors)] = within
    possible = np.outer(members, members).astype(float)
    possible[np.diag_indices(n_sectors)] = members * (members - 1) / 2
    density = np.divide(ties, possible, out=np.zeros_like(possible), where=possible > 0)
    external = ties.sum(axis=1) - within
    total = external + within
    ei = np.divide(external - within, total, out=np.full(n_sectors, np.nan), where=total > 0)
    return SectorFigures(members=members, ties=ties, density=density, ei_index=ei)
