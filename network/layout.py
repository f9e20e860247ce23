"""Positions for drawing a snapshot's network: communities as discs, hubs at their centres.

A force-directed layout of 20,000 people and 8 million ties takes minutes and moves every
time it runs; this one is computed in one numpy pass from what a snapshot already stores
(community and weighted degree), is the same on every request, and reads well: each
community is a disc whose area follows its size, discs spiral out from the largest, and
inside a disc people sit on a sunflower spiral with the best connected at the centre.
Pure: plain arrays in, plain arrays out.
"""

import numpy as np

GOLDEN_ANGLE = np.pi * (3 - np.sqrt(5))


def _sunflower(count: int) -> tuple[np.ndarray, np.ndarray]:
    """``count`` points evenly filling a unit disc, the first at the centre."""
    index = np.arange(count, dtype=np.float64)
    radius = np.sqrt((index + 0.5) / max(count, 1))
    angle = index * GOLDEN_ANGLE
    return radius * np.cos(angle), radius * np.sin(angle)


def community_layout(
    communities: np.ndarray, strength: np.ndarray, spacing: float = 1.15
) -> tuple[np.ndarray, np.ndarray]:
    """x and y for each node, given its community label and a strength (higher: nearer the
    centre of its community's disc)."""
    communities = np.asarray(communities)
    strength = np.asarray(strength, dtype=np.float64)
    x = np.zeros(len(communities))
    y = np.zeros(len(communities))
    if not len(communities):
        return x, y
    labels, sizes = np.unique(communities, return_counts=True)
    order = np.argsort(-sizes, kind="stable")
    # Disc centres: a sunflower spiral of the communities, scaled so discs do not overlap.
    radii = np.sqrt(sizes[order].astype(np.float64))
    cx, cy = _sunflower(len(order))
    scale = spacing * 1.5 * radii.max() * np.sqrt(len(order))
    for position, label_index in enumerate(order):
        members = np.flatnonzero(communities == labels[label_index])
        members = members[np.argsort(-strength[members], kind="stable")]
        px, py = _sunflower(len(members))
        x[members] = cx[position] * scale + px * radii[position]
        y[members] = cy[position] * scale + py * radii[position]
    return x, y
