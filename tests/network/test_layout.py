import numpy as np

from network.layout import community_layout


def test_each_community_is_a_separate_disc_with_its_hub_at_the_centre():
    communities = np.array([0] * 30 + [1] * 10 + [2])
    strength = np.arange(len(communities), dtype=float)
    x, y = community_layout(communities, strength)
    centres, radii = {}, {}
    for label in (0, 1, 2):
        members = np.flatnonzero(communities == label)
        hub = members[np.argmax(strength[members])]
        centre = np.array([x[members].mean(), y[members].mean()])
        distances = np.hypot(x[members] - centre[0], y[members] - centre[1])
        # The strongest member sits nearest the centre of its community's disc.
        assert members[np.argmin(distances)] == hub
        centres[label], radii[label] = centre, distances.max()
    for a in (0, 1, 2):
        for b in (0, 1, 2):
            if a < b:
                gap = np.hypot(*(centres[a] - centres[b]))
                assert gap > radii[a] + radii[b]  # discs do not overlap


def test_the_layout_is_the_same_every_time_and_handles_no_nodes():
    communities = np.array([3, 1, 1, 3, 2])
    strength = np.array([1.0, 5.0, 2.0, 0.5, 1.0])
    first = community_layout(communities, strength)
    second = community_layout(communities, strength)
    assert np.array_equal(first[0], second[0])
    assert np.array_equal(first[1], second[1])
    assert all(len(axis) == 0 for axis in community_layout(np.array([]), np.array([])))


def test_discs_do_not_overlap_with_many_communities_of_uneven_size():
    rng = np.random.default_rng(7)
    sizes = rng.integers(1, 400, size=40)
    communities = np.repeat(np.arange(40), sizes)
    x, y = community_layout(communities, rng.random(len(communities)))
    discs = []
    for label in range(40):
        members = communities == label
        centre = np.array([x[members].mean(), y[members].mean()])
        radius = np.hypot(x[members] - centre[0], y[members] - centre[1]).max()
        discs.append((centre, radius))
    for a in range(40):
        for b in range(a + 1, 40):
            (ca, ra), (cb, rb) = discs[a], discs[b]
            assert np.hypot(*(ca - cb)) > ra + rb
