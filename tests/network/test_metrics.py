"""Every metric against networkx run directly on the same small graphs."""

import random

import networkx as nx
import numpy as np
import pytest

from network.analysis import AnalysisParameters, network_analyse
from network.graphs import contact_membership, project
from network.metrics import MetricParameters, node_metrics
from tests.network.helpers import attendance, projected

SECTORS = ["government", "civil_society", "business", "academia", "media"]


def random_rows(seed, people=40, forums=12, max_size=9):
    rng = random.Random(seed)
    rows = set()
    for forum in range(1, forums + 1):
        for person in rng.sample(range(1, people + 1), rng.randint(1, max_size)):
            rows.add((person, forum))
    return sorted(rows)


def computed(rows, sectors=None, **parameters):
    data = attendance(rows, sectors=sectors)
    membership = contact_membership(data)
    metrics = node_metrics(project(membership), membership, MetricParameters(**parameters))
    return membership.ids.tolist(), metrics


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("dense", [True, False])
def test_exact_betweenness_and_harmonic_closeness_match_networkx(seed, dense, monkeypatch):
    # Both exact paths: dense matrix products and one BFS per source.
    monkeypatch.setattr("network.metrics.DENSE_MIN_DENSITY", 0.0 if dense else 2.0)
    rows = random_rows(seed)
    ids, metrics = computed(rows)
    graph = projected(rows)
    n = graph.number_of_nodes()
    betweenness = nx.betweenness_centrality(graph)
    harmonic = nx.harmonic_centrality(graph)
    for i, node in enumerate(ids):
        assert metrics.betweenness[i] == pytest.approx(betweenness[node], abs=1e-12)
        assert metrics.closeness[i] == pytest.approx(harmonic[node] / (n - 1), abs=1e-12)
    assert metrics.pivots is None


def test_sampled_betweenness_rescales_like_networkx():
    rows = random_rows(4, people=60, forums=15)
    ids, metrics = computed(rows, exact_limit=10, pivots=20, seed=7)
    assert metrics.pivots == 20
    graph = projected(rows)
    n = graph.number_of_nodes()
    # Rebuild the same sources (the same seeded draw over node positions)...
    sources = sorted(np.random.default_rng(7).choice(n, size=20, replace=False).tolist())
    source_nodes = [ids[i] for i in sources]
    # ...and ask networkx for the raw sums from exactly those sources.
    raw = nx.betweenness_centrality_subset(graph, source_nodes, list(graph), normalized=False)
    for i, node in enumerate(ids):
        k = 20 - (1 if node in source_nodes else 0)
        expected = 2 * raw[node] / (k * (n - 2))
        assert metrics.betweenness[i] == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_sampling_every_node_equals_the_exact_result():
    rows = random_rows(5)
    _, exact = computed(rows)
    _, sampled = computed(rows, exact_limit=1, pivots=10_000)
    np.testing.assert_allclose(sampled.betweenness, exact.betweenness, atol=1e-12)
    np.testing.assert_allclose(sampled.closeness, exact.closeness, atol=1e-12)


def test_weighted_pagerank_matches_networkx():
    rows = random_rows(6)
    ids, metrics = computed(rows)
    expected = nx.pagerank(projected(rows), weight="weight")
    for i, node in enumerate(ids):
        assert metrics.pagerank[i] == pytest.approx(expected[node], abs=1e-6)


def test_burts_constraint_and_effective_size_match_networkx():
    rows = random_rows(7, max_size=12)
    ids, metrics = computed(rows)
    graph = projected(rows)
    constraint = nx.constraint(graph, weight="weight")
    # nodes= makes networkx use its definition-by-definition path.
    effective = nx.effective_size(graph, nodes=list(graph), weight="weight")
    for i, node in enumerate(ids):
        if graph.degree(node) == 0:
            assert np.isnan(metrics.constraint[i])
            assert np.isnan(metrics.effective_size[i])
            continue
        assert metrics.constraint[i] == pytest.approx(constraint[node], abs=1e-12)
        assert metrics.effective_size[i] == pytest.approx(effective[node], abs=1e-9)


def test_louvain_finds_the_communities_networkx_finds():
    # Two groups of six that meet among themselves at three forums each, and one bridge.
    rows = [(p, f) for f in (1, 2, 3) for p in range(1, 7)]
    rows += [(p, f) for f in (4, 5, 6) for p in range(7, 13)]
    rows += [(6, 7), (7, 7)]
    ids, metrics = computed(rows)
    ours = {
        frozenset(n for i, n in enumerate(ids) if metrics.community[i] == c)
        for c in set(metrics.community)
    }
    theirs = {
        frozenset(c)
        for c in nx.community.louvain_communities(projected(rows), weight="weight", seed=1)
    }
    assert ours == theirs
    assert metrics.community[ids.index(1)] in (0, 1)


def test_louvain_is_as_modular_as_networkxs_on_a_messier_graph():
    rows = random_rows(8, people=60, forums=20, max_size=10)
    ids, metrics = computed(rows)
    graph = projected(rows)
    ours = [
        {n for i, n in enumerate(ids) if metrics.community[i] == c} for c in set(metrics.community)
    ]
    theirs = nx.community.louvain_communities(graph, weight="weight", seed=1)
    modularity = nx.community.modularity
    assert (
        modularity(graph, ours, weight="weight")
        >= modularity(graph, theirs, weight="weight") - 0.02
    )


def test_sector_bridging_on_a_hand_made_network():
    # Forum 1: A(gov), B(gov), C(business). Forum 2: A, D(media). E (academia) comes alone.
    sectors = {1: "government", 2: "government", 3: "business", 4: "media", 5: "academia", 6: ""}
    rows = [(1, 1), (2, 1), (3, 1), (1, 2), (4, 2), (5, 3), (6, 2)]
    ids, metrics = computed(rows, sectors=sectors)
    at = {node: i for i, node in enumerate(ids)}
    a = at[1]
    # A's neighbours: B (gov), C (business), D (media), and 6 (unknown sector: not counted).
    assert metrics.degree[a] == 4
    assert metrics.cross_sector_ties[a] == 2
    assert metrics.sectors_reached[a] == 2
    assert metrics.ei_index[a] == pytest.approx((2 - 1) / (2 + 1))
    e = at[5]
    assert (metrics.degree[e], metrics.cross_sector_ties[e], metrics.sectors_reached[e]) == (
        0,
        0,
        0,
    )
    assert np.isnan(metrics.ei_index[e])
    assert np.isnan(metrics.constraint[e])
    assert metrics.betweenness[e] == 0.0
    assert metrics.closeness[e] == 0.0
    assert not metrics.sector_known[at[6]]


def test_gould_fernandez_brokerage_on_a_hand_computed_example():
    # Broker B (business) attends four forums, each with one other person:
    #   g1 (government), g2 (government), c1 (civil society), m1 (media).
    # g1 and g2 also meet each other at a fifth forum, so only that pair is tied.
    b, g1, g2, c1, m1, b2 = 1, 2, 3, 4, 5, 6
    sectors = {b: "business", g1: "government", g2: "government", c1: "civil_society",
               m1: "media", b2: "business"}  # fmt: skip
    rows = [(b, 1), (g1, 1), (b, 2), (g2, 2), (b, 3), (c1, 3), (b, 4), (m1, 4), (b, 5), (b2, 5)]
    rows += [(g1, 6), (g2, 6)]
    ids, metrics = computed(rows, sectors=sectors)
    i = ids.index(b)
    roles = {name: int(values[i]) for name, values in metrics.brokerage.items()}
    # B's neighbours: g1, g2, c1, m1, b2 -> 10 pairs; g1-g2 tied -> 9 untied pairs:
    #   with b2 (B's own sector) and one of g1, g2, c1, m1: 4 -> gatekeeper and representative
    #   g1-c1, g1-m1, g2-c1, g2-m1, c1-m1: all three sectors differ -> 5 liaison
    #   no untied pair of two same-sector alters (g1-g2 are tied) -> consultant 0
    #   no pair with both alters in business -> coordinator 0
    assert roles == {
        "coordinator": 0,
        "gatekeeper": 4,
        "representative": 4,
        "consultant": 0,
        "liaison": 5,
    }
    # g1's two neighbours, B and g2, met at forum 2: tied, so g1 brokers nothing.
    j = ids.index(g1)
    assert all(int(values[j]) == 0 for values in metrics.brokerage.values())


def test_same_data_gives_the_same_numbers_every_time():
    rows = random_rows(9, people=70, forums=25)
    sectors = {p: SECTORS[p % 5] for p in range(1, 71)}
    first = network_analyse(attendance(rows, sectors=sectors), AnalysisParameters(exact_limit=20))
    second = network_analyse(attendance(rows, sectors=sectors), AnalysisParameters(exact_limit=20))
    for name in ("betweenness", "closeness", "pagerank", "community", "constraint"):
        np.testing.assert_array_equal(
            getattr(first.contact_metrics, name), getattr(second.contact_metrics, name)
        )
    np.testing.assert_array_equal(first.ties.weight, second.ties.weight)
    np.testing.assert_array_equal(first.growth.new_ties, second.growth.new_ties)
