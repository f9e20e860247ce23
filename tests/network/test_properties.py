"""Properties of the network analysis over generated attendance histories (Hypothesis).

Whatever the history (see tests/histories.py, degenerate ones included), the analysis
finishes; every array has one entry per attendee, organisation or forum, with no invented
ids; figures stay in their ranges; counts add up; the order of the rows changes nothing;
and on these small graphs every centrality equals networkx's on a graph built here, from
the participations, independently of the code under test.
"""

import contextlib
import itertools
import math
from unittest import mock

import networkx as nx
import numba
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numba.core.dispatcher import Dispatcher

from network import kernels
from network.analysis import AnalysisParameters, network_analyse
from network.graphs import (
    SECTOR_ORDER,
    UNKNOWN_SECTOR,
    contact_forum_graph,
    contact_membership,
    project,
)
from network.layout import community_layout
from network.metrics import binary, dense_brandes
from tests.histories import histories, named_cases
from tests.network.helpers import projected

PARAMETERS = AnalysisParameters()
KNOWN = set(SECTOR_ORDER) - {UNKNOWN_SECTOR}


@contextlib.contextmanager
def kernel_threads(count: int):
    previous = numba.get_num_threads()
    numba.set_num_threads(count)
    try:
        yield
    finally:
        numba.set_num_threads(previous)


@pytest.fixture(autouse=True, scope="module")
def _one_kernel_thread():
    # On two shared cores, starting the kernels' second thread costs more than a graph of
    # twelve people takes: one thread makes each example five times faster. The comparison
    # with networkx runs on both counts.
    with kernel_threads(1):
        yield


def analysed(history, parameters=PARAMETERS):
    attended = history.attended()
    graph = projected([(p.contact, p.forum) for p in attended])
    return network_analyse(history.network_attendance(), parameters), graph, attended


def positions(ids) -> dict[int, int]:
    return {int(node): i for i, node in enumerate(ids)}


@named_cases()
@given(history=histories())
def test_every_attendee_forum_and_organisation_appears_once_and_nothing_else(history):
    result, _, attended = analysed(history)

    people = sorted({p.contact for p in attended})
    assert result.contacts.ids.tolist() == people
    held = history.forums_held()
    assert sorted(result.forum_order.tolist()) == sorted(f.id for f in held)
    dates = [history.forum_date(f) for f in result.forum_order.tolist()]
    assert dates == sorted(dates)  # chronological, whatever order the ids are in
    n = len(people)
    assert result.contacts.matrix.shape == (n, len(held))
    rank = positions(result.forum_order)
    cells = set(zip(*result.contacts.matrix.nonzero(), strict=True))
    assert cells == {(people.index(p.contact), rank[p.forum]) for p in attended}
    for i, contact in enumerate(people):
        assert SECTOR_ORDER[result.contacts.sectors[i]] == history.contact_sector[contact]
    metrics = result.contact_metrics
    for name in ("degree", "weighted_degree", "betweenness", "closeness", "pagerank",
                 "community", "constraint", "effective_size", "sector_known",
                 "cross_sector_ties", "sectors_reached", "ei_index"):  # fmt: skip
        assert len(getattr(metrics, name)) == n, name
    assert all(len(values) == n for values in metrics.brokerage.values())
    assert metrics.neighbour_sectors.shape == (n, len(SECTOR_ORDER))
    assert len(result.contact_organisation) == len(result.contact_forums) == n

    organisations = sorted({p.organisation for p in attended if p.organisation is not None})
    assert result.organisations.ids.tolist() == organisations
    assert result.organisations.matrix.shape == (len(organisations), len(held))
    assert len(result.organisation_metrics.pagerank) == len(organisations)
    assert len(result.organisation_people) == len(result.organisation_active) == len(organisations)
    for i, organisation in enumerate(organisations):
        sector = history.organisation_sector[organisation]
        assert SECTOR_ORDER[result.organisations.sectors[i]] == sector

    ties = result.ties
    assert set(ties.left.tolist()) | set(ties.right.tolist()) <= set(people)
    assert set(ties.first_forum.tolist()) <= set(result.forum_order.tolist())
    assert result.sizes["contacts"] == n
    assert result.sizes["forums"] == len(held)
    assert result.sizes["participations"] == len(attended)


@named_cases(threads=2)
@given(history=histories(), threads=st.sampled_from([1, 2]))
def test_every_centrality_equals_networkx_on_the_same_small_graph(history, threads):
    with kernel_threads(threads):
        result, graph, _ = analysed(history)
    metrics = result.contact_metrics
    ids = result.contacts.ids.tolist()
    n = len(ids)
    assert sorted(graph) == ids
    if n == 0:
        return
    betweenness = nx.betweenness_centrality(graph)
    harmonic = nx.harmonic_centrality(graph)
    pagerank = nx.pagerank(graph, weight="weight")
    constraint = nx.constraint(graph, weight="weight")
    effective = nx.effective_size(graph, nodes=list(graph), weight="weight")
    for i, node in enumerate(ids):
        assert metrics.degree[i] == graph.degree(node)
        assert metrics.weighted_degree[i] == graph.degree(node, weight="weight")
        assert metrics.betweenness[i] == pytest.approx(betweenness[node], abs=1e-12)
        expected_closeness = harmonic[node] / (n - 1) if n > 1 else 0.0
        assert metrics.closeness[i] == pytest.approx(expected_closeness, abs=1e-12)
        assert metrics.pagerank[i] == pytest.approx(pagerank[node], abs=1e-8)
        if graph.degree(node) == 0:
            assert math.isnan(metrics.constraint[i])
            assert math.isnan(metrics.effective_size[i])
        else:
            assert metrics.constraint[i] == pytest.approx(constraint[node], abs=1e-9)
            assert metrics.effective_size[i] == pytest.approx(effective[node], abs=1e-9)
    assert metrics.pivots is None


@named_cases()
@given(history=histories())
def test_both_exact_shortest_path_routes_agree(history):
    # Dense graphs go through matrix products, sparse ones through one BFS per source: the
    # analysis picks one by density, so both are run here on every graph.
    membership = contact_membership(history.network_attendance())
    weight = project(membership).weight
    n = weight.shape[0]
    if n == 0:
        return
    dense_raw, dense_harmonic = dense_brandes(binary(weight))
    sources = np.arange(n, dtype=np.int64)
    bfs_raw, bfs_harmonic = kernels.brandes(
        weight.indptr, weight.indices, sources, kernels.thread_count()
    )
    np.testing.assert_allclose(dense_raw, bfs_raw, atol=1e-9)
    np.testing.assert_allclose(dense_harmonic, bfs_harmonic, atol=1e-12)


@named_cases()
@given(history=histories())
def test_metrics_stay_in_their_ranges(history):
    result, graph, _ = analysed(history)
    for metrics in (result.contact_metrics, result.organisation_metrics):
        n = len(metrics.degree)
        assert np.all((metrics.betweenness >= 0) & (metrics.betweenness <= 1 + 1e-12))
        assert np.all((metrics.closeness >= 0) & (metrics.closeness <= 1 + 1e-12))
        if n:
            assert metrics.pagerank.sum() == pytest.approx(1.0, abs=1e-9)
            assert np.all(metrics.pagerank > 0)
        isolated = metrics.degree == 0
        assert np.isnan(metrics.constraint[isolated]).all()
        assert not np.isnan(metrics.constraint[~isolated]).any()
        assert np.all(metrics.constraint[~isolated] > 0)
        assert np.all(metrics.effective_size[~isolated] <= metrics.degree[~isolated] + 1e-9)
        assert np.all(metrics.weighted_degree >= metrics.degree)
        ei = metrics.ei_index[~np.isnan(metrics.ei_index)]
        assert np.all((ei >= -1) & (ei <= 1))
        assert np.all(metrics.cross_sector_ties <= metrics.degree)
        assert np.all(metrics.sectors_reached <= np.minimum(metrics.degree, len(KNOWN) - 1))
        assert (metrics.neighbour_sectors.sum(axis=1) == metrics.degree).all()
        for values in metrics.brokerage.values():
            assert np.all(values >= 0)
    sizes = result.sizes
    assert 0 <= sizes["density"] <= 1
    assert sizes["density"] == pytest.approx(nx.density(graph) if len(graph) > 1 else 0, abs=1e-6)
    assert sizes["ties"] == graph.number_of_edges()
    assert sizes["components"] == nx.number_connected_components(graph)
    assert sizes["largest_component"] == max((len(c) for c in nx.connected_components(graph)),
                                             default=0)  # fmt: skip
    assert sizes["isolates"] == nx.number_of_isolates(graph)


@named_cases()
@given(history=histories())
def test_communities_are_numbered_by_size_and_never_span_people_without_a_path(history):
    result, graph, _ = analysed(history)
    ids = result.contacts.ids.tolist()
    community = result.contact_metrics.community
    if not ids:
        return
    sizes = np.bincount(community)
    assert (sizes > 0).all()  # labels 0..k-1, every one used
    assert (np.diff(sizes) <= 0).all()  # 0 is the largest
    assert result.sizes["communities"] == len(sizes)
    component = {
        node: c for c, nodes in enumerate(nx.connected_components(graph)) for node in nodes
    }
    for label in range(len(sizes)):
        members = [ids[i] for i in np.flatnonzero(community == label)]
        assert len({component[m] for m in members}) == 1


@named_cases()
@given(history=histories())
def test_sector_bridging_and_brokerage_follow_their_definitions(history):
    result, graph, _ = analysed(history)
    metrics = result.contact_metrics
    sector = history.contact_sector
    for i, node in enumerate(result.contacts.ids.tolist()):
        own = sector[node]
        neighbours = [sector[m] for m in graph[node]]
        for g, group in enumerate(SECTOR_ORDER):
            assert metrics.neighbour_sectors[i, g] == neighbours.count(group)
        roles = {name: int(values[i]) for name, values in metrics.brokerage.items()}
        if own == UNKNOWN_SECTOR:
            assert not metrics.sector_known[i]
            assert math.isnan(metrics.ei_index[i])
            assert set(roles.values()) == {0}
            continue
        internal = neighbours.count(own)
        external = sum(1 for s in neighbours if s in KNOWN and s != own)
        assert metrics.cross_sector_ties[i] == external
        reached = {s for s in neighbours if s in KNOWN and s != own}
        assert metrics.sectors_reached[i] == len(reached)
        if internal + external:
            expected = (external - internal) / (external + internal)
            assert metrics.ei_index[i] == pytest.approx(expected)
        else:
            assert math.isnan(metrics.ei_index[i])
        # Gould & Fernandez (1989), undirected: every untied pair of known-sector neighbours.
        expected = dict.fromkeys(roles, 0)
        for a, c in itertools.combinations(sorted(graph[node]), 2):
            if graph.has_edge(a, c) or sector[a] == UNKNOWN_SECTOR or sector[c] == UNKNOWN_SECTOR:
                continue
            if sector[a] == sector[c] == own:
                expected["coordinator"] += 1
            elif sector[a] == sector[c]:
                expected["consultant"] += 1
            elif own in (sector[a], sector[c]):
                expected["gatekeeper"] += 1
                expected["representative"] += 1
            else:
                expected["liaison"] += 1
        assert roles == expected


@named_cases()
@given(history=histories())
def test_sector_figures_add_up_to_the_graph(history):
    result, graph, _ = analysed(history)
    figures = result.sectors
    sector = history.contact_sector
    assert figures.members.sum() == graph.number_of_nodes()
    for g, group in enumerate(SECTOR_ORDER):
        assert figures.members[g] == sum(1 for node in graph if sector[node] == group)
    assert (figures.ties == figures.ties.T).all()
    assert np.triu(figures.ties).sum() == graph.number_of_edges()
    for a, b in graph.edges():
        assert figures.ties[SECTOR_ORDER.index(sector[a]), SECTOR_ORDER.index(sector[b])] > 0
    assert np.all((figures.density >= 0) & (figures.density <= 1))
    ei = figures.ei_index[~np.isnan(figures.ei_index)]
    assert np.all((ei >= -1) & (ei <= 1))


@named_cases()
@given(history=histories())
def test_growth_counts_add_up_forum_by_forum(history):
    result, graph, attended = analysed(history)
    growth = result.growth
    order = result.forum_order.tolist()
    rank = positions(order)
    assert len(growth.attendees) == len(growth.sectors_connected) == len(order)
    at = {f: [p.contact for p in attended if p.forum == f] for f in order}
    assert growth.attendees.tolist() == [len(at[f]) for f in order]
    assert (growth.first_timers + growth.returning == growth.attendees).all()
    assert (growth.returning >= 0).all()
    first_rank = {}
    for p in attended:
        first_rank[p.contact] = min(first_rank.get(p.contact, len(order)), rank[p.forum])
    assert growth.first_timers.tolist() == [
        sum(1 for r in first_rank.values() if r == i) for i in range(len(order))
    ]
    assert growth.contacts_so_far.tolist() == np.cumsum(growth.first_timers).tolist()
    assert (growth.contacts_so_far[-1] if order else 0) == graph.number_of_nodes()
    # Each tie is born at the first forum both people attended.
    forums_of = {node: {rank[p.forum] for p in attended if p.contact == node} for node in graph}
    born = {(a, b): min(forums_of[a] & forums_of[b]) for a, b in graph.edges()}
    assert growth.new_ties.tolist() == [
        sum(1 for r in born.values() if r == i) for i in range(len(order))
    ]
    assert (growth.ties_so_far[-1] if order else 0) == graph.number_of_edges()
    sector = history.contact_sector
    cross = {
        (a, b): r
        for (a, b), r in born.items()
        if sector[a] in KNOWN and sector[b] in KNOWN and sector[a] != sector[b]
    }
    assert growth.new_cross_sector_ties.tolist() == [
        sum(1 for r in cross.values() if r == i) for i in range(len(order))
    ]
    assert (growth.new_cross_sector_ties <= growth.new_ties).all()
    # The sector pairs each forum connected for the first time.
    first_link = {}
    for (a, b), r in cross.items():
        pair = tuple(sorted((sector[a], sector[b]), key=SECTOR_ORDER.index))
        first_link[pair] = min(first_link.get(pair, r), r)
    connected = {pair: r for r, pairs in enumerate(growth.sectors_connected) for pair in pairs}
    assert sum(len(pairs) for pairs in growth.sectors_connected) == len(connected)
    assert connected == first_link


@named_cases(parameters=(None, None, 100_000))
@given(
    history=histories(),
    parameters=st.tuples(
        st.one_of(st.none(), st.integers(min_value=0, max_value=6)),  # plenary_cap
        st.one_of(st.none(), st.integers(min_value=0, max_value=20)),  # max_ties
        st.integers(min_value=0, max_value=6),  # ties_kept
    ),
)
def test_caps_on_plenaries_and_kept_ties_drop_ties_and_keep_attendance(history, parameters):
    cap, max_ties, kept = parameters
    full, graph, _ = analysed(history)
    capped, _, _ = analysed(
        history, AnalysisParameters(plenary_cap=cap, max_ties=max_ties, ties_kept=kept)
    )
    growth = capped.growth
    assert growth.attendees.tolist() == full.growth.attendees.tolist()
    assert growth.first_timers.tolist() == full.growth.first_timers.tolist()
    assert capped.contacts.ids.tolist() == full.contacts.ids.tolist()
    assert capped.sizes["ties"] <= full.sizes["ties"]
    applied = capped.sizes["plenary_cap"]
    if applied is not None:
        assert (growth.new_ties[growth.attendees > applied] == 0).all()
    # Only the strongest ``kept`` ties are kept, strongest first, each a tie of the graph.
    ties = capped.ties
    assert len(ties.left) == min(kept, capped.sizes["ties"])
    assert (ties.left < ties.right).all()
    assert (np.diff(ties.weight) <= 0).all()
    for left, right, weight in zip(ties.left, ties.right, ties.weight, strict=True):
        assert graph.has_edge(left, right)
        assert weight <= graph.edges[left, right]["weight"]


@named_cases()
@given(history=histories())
def test_the_strongest_ties_are_born_at_the_first_forum_both_attended(history):
    result, graph, attended = analysed(history)
    ties = result.ties
    assert len(ties.left) == graph.number_of_edges()  # the default keeps them all here
    rank = positions(result.forum_order)
    forums_of = {node: {p.forum for p in attended if p.contact == node} for node in graph}
    for left, right, weight, newman, first in zip(
        ties.left.tolist(), ties.right.tolist(), ties.weight.tolist(), ties.newman.tolist(),
        ties.first_forum.tolist(), strict=True,
    ):  # fmt: skip
        shared = forums_of[left] & forums_of[right]
        assert weight == graph.edges[left, right]["weight"] == len(shared)
        assert 0 < newman <= weight + 1e-6
        assert first == min(shared, key=rank.get)


@named_cases(sampling=(0, 1))
@given(
    history=histories(),
    sampling=st.tuples(st.integers(min_value=0, max_value=10), st.integers(1, 12)),
)
def test_sampled_betweenness_and_closeness_stay_in_range(history, sampling):
    exact_limit, pivots = sampling
    result, graph, _ = analysed(history, AnalysisParameters(exact_limit=exact_limit, pivots=pivots))
    metrics = result.contact_metrics
    n = graph.number_of_nodes()
    if n <= exact_limit:
        assert metrics.pivots is None
    else:
        assert metrics.pivots == min(pivots, n)
    assert np.all((metrics.betweenness >= 0) & (metrics.betweenness <= 1 + 1e-12))
    assert np.all((metrics.closeness >= 0) & (metrics.closeness <= 1 + 1e-12))
    if metrics.pivots == n:  # every node a pivot: the exact figures
        exact, _, _ = analysed(history)
        np.testing.assert_allclose(metrics.betweenness, exact.contact_metrics.betweenness)
        np.testing.assert_allclose(metrics.closeness, exact.contact_metrics.closeness)


@named_cases()
@given(history=histories())
def test_organisations_count_the_people_who_represented_them(history):
    result, _, attended = analysed(history)
    organisations = result.organisations.ids.tolist()
    represented = {(p.organisation, p.contact) for p in attended if p.organisation is not None}
    for i, organisation in enumerate(organisations):
        people = {c for o, c in represented if o == organisation}
        assert result.organisation_people[i] == len(people)
        # Active: came for it within ``active_days`` of the period's last forum.
        last = max(f.date for f in history.forums_held())
        recent = {
            p.contact
            for p in attended
            if p.organisation == organisation
            and (last - history.forum_date(p.forum)).days < PARAMETERS.active_days
        }
        assert result.organisation_active[i] == len(recent) <= len(people)
    rank = positions(result.forum_order)
    for i, contact in enumerate(result.contacts.ids.tolist()):
        mine = [p for p in attended if p.contact == contact]
        assert result.contact_forums[i] == len(mine)
        with_organisation = [p for p in mine if p.organisation is not None]
        if not with_organisation:
            assert result.contact_organisation[i] == -1
        else:
            latest = max(with_organisation, key=lambda p: rank[p.forum])
            assert result.contact_organisation[i] == latest.organisation


@named_cases()
@given(history=histories())
def test_the_bipartite_graph_holds_every_attendance_and_every_forum(history):
    attendance = history.network_attendance()
    graph = contact_forum_graph(attendance)
    attended = history.attended()
    forums = {("forum", f.id) for f in history.forums_held()}
    people = {("contact", p.contact) for p in attended}
    assert set(graph) == forums | people
    assert graph.number_of_edges() == len(attended)
    assert nx.is_bipartite(graph)
    for p in attended:
        assert graph.edges[("contact", p.contact), ("forum", p.forum)]["role"] == p.role


@named_cases(seed=1)
@given(history=histories(), seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_the_order_of_the_rows_changes_nothing(history, seed):
    first, _, _ = analysed(history)
    second, _, _ = analysed(history.shuffled(seed))
    # Ids come out sorted and forums in date order, so results compare entry by entry.
    assert_same_analysis(first, second)


def plain_python_kernels():
    """The compiled kernels swapped for the plain Python they are written in: the same
    arithmetic, but every array index is checked (compiled code reads past the end of an
    array without a word)."""
    compiled = {name: f for name, f in vars(kernels).items() if isinstance(f, Dispatcher)}
    return mock.patch.multiple(kernels, **{name: f.py_func for name, f in compiled.items()})


@named_cases(kept=0)
@given(history=histories(max_contacts=8), kept=st.integers(min_value=0, max_value=4))
def test_the_compiled_kernels_stay_inside_their_arrays_and_agree_with_plain_python(history, kept):
    parameters = AnalysisParameters(ties_kept=kept)
    compiled, _, _ = analysed(history, parameters)
    with plain_python_kernels():
        interpreted, _, _ = analysed(history, parameters)
    assert_same_analysis(compiled, interpreted, exact=False)


def assert_same_analysis(first, second, exact=True):
    def same(a, b, label):
        if exact or not np.issubdtype(np.asarray(a).dtype, np.floating):
            np.testing.assert_array_equal(a, b, label)
        else:
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12, err_msg=label)

    for name in ("forum_order", "contact_organisation", "contact_forums",
                 "organisation_people", "organisation_active"):  # fmt: skip
        same(getattr(first, name), getattr(second, name), name)
    for part in ("contacts", "organisations"):
        same(getattr(first, part).ids, getattr(second, part).ids, part)
        assert (getattr(first, part).matrix != getattr(second, part).matrix).nnz == 0
    for part in ("contact_metrics", "organisation_metrics"):
        a, b = getattr(first, part), getattr(second, part)
        for name, value in vars(a).items():
            if name == "brokerage":
                for role in value:
                    same(value[role], b.brokerage[role], f"{part}.{role}")
            elif isinstance(value, np.ndarray):
                same(value, getattr(b, name), f"{part}.{name}")
            else:
                assert value == getattr(b, name), f"{part}.{name}"
    for part in ("growth", "sectors", "ties"):
        for name, value in vars(getattr(first, part)).items():
            other = getattr(getattr(second, part), name)
            if isinstance(value, np.ndarray):
                same(value, other, f"{part}.{name}")
            else:
                assert value == other, f"{part}.{name}"
    assert first.sizes == second.sizes


@given(
    layout=st.integers(min_value=0, max_value=40).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(min_value=-1, max_value=5), min_size=n, max_size=n),
            st.lists(
                st.floats(min_value=0, max_value=1e6, allow_nan=False),
                min_size=n,
                max_size=n,
                unique=True,
            ),
            st.permutations(range(n)),
        )
    )
)
def test_the_layout_gives_everyone_their_own_place_inside_their_community_disc(layout):
    communities, strength = np.array(layout[0], dtype=np.int64), np.array(layout[1])
    x, y = community_layout(communities, strength)
    assert len(x) == len(y) == len(communities)
    assert np.isfinite(x).all()
    assert np.isfinite(y).all()
    # Nobody is drawn on top of anybody else.
    assert len(set(zip(x.tolist(), y.tolist(), strict=True))) == len(x)
    for label in np.unique(communities):
        members = np.flatnonzero(communities == label)
        spread = np.hypot(x[members, None] - x[members], y[members, None] - y[members])
        assert spread.max() <= 2 * np.sqrt(len(members)) + 1e-9  # a disc of area ~ size
    # The same people in another order get the same places (strengths differ here).
    order = np.array(layout[2], dtype=np.int64)
    px, py = community_layout(communities[order], strength[order])
    np.testing.assert_array_equal(px, x[order])
    np.testing.assert_array_equal(py, y[order])
