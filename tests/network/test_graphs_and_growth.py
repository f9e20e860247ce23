from unittest import mock

import networkx as nx
import numpy as np
import pytest
from networkx.algorithms import bipartite

from network import kernels
from network.analysis import AnalysisParameters, network_analyse
from network.graphs import (
    contact_forum_graph,
    contact_membership,
    organisation_membership,
    project,
)
from network.growth import forum_growth
from network.metrics import MetricParameters, node_metrics
from network.sectors import sector_figures
from tests.network.helpers import attendance, davis_rows


def test_projection_weights_match_networkx_on_davis_southern_women():
    graph, women, _events, woman_id, _event_id, rows = davis_rows()
    membership = contact_membership(attendance(rows))
    projection = project(membership)
    counts = bipartite.weighted_projected_graph(graph, women)
    newman = bipartite.collaboration_weighted_projected_graph(graph, women)
    ours = projection.weight.tocoo()
    pairs = zip(ours.row.tolist(), ours.col.tolist(), strict=True)
    newman_ours = dict(zip(pairs, projection.newman, strict=True))
    assert projection.n_ties == counts.number_of_edges() == 139
    for a, b, data in counts.edges(data=True):
        i, j = woman_id[a] - 1, woman_id[b] - 1
        assert projection.weight[i, j] == data["weight"]
        assert newman_ours[(i, j)] == pytest.approx(newman[a][b]["weight"], rel=1e-6)


def test_the_bipartite_graph_keeps_roles_as_edge_data():
    data = attendance([(1, 10), (2, 10), (1, 11)])
    data = data.__class__(
        **{**data.__dict__, "role": np.array(["speaker", "participant", "moderator"], dtype=object)}
    )
    graph = contact_forum_graph(data)
    assert bipartite.is_bipartite(graph)
    assert graph[("contact", 1)][("forum", 10)]["role"] == "speaker"
    assert graph[("contact", 1)][("forum", 11)]["role"] == "moderator"
    assert {n for n, d in graph.nodes(data=True) if d["bipartite"] == 1} == {
        ("forum", 10),
        ("forum", 11),
    }


def test_organisations_are_tied_by_forums_where_both_were_represented():
    # Org 7 and 8 meet at forum 1 (through two people each) and at forum 2; org 9 only at 2.
    rows = [(1, 1, 7), (2, 1, 7), (3, 1, 8), (1, 2, 7), (4, 2, 8), (5, 2, 9), (6, 3, -1)]
    membership = organisation_membership(attendance(rows))
    projection = project(membership)
    assert membership.ids.tolist() == [7, 8, 9]
    assert projection.weight.toarray().tolist() == [[0, 2, 1], [2, 0, 1], [1, 1, 0]]


def test_sector_ties_densities_and_ei_by_hand():
    # gov: 1, 2; business: 3; all at forum 1; 4 (business) with 3 at forum 2.
    sectors = {1: "government", 2: "government", 3: "business", 4: "business"}
    rows = [(1, 1), (2, 1), (3, 1), (3, 2), (4, 2)]
    membership = contact_membership(attendance(rows, sectors=sectors))
    metrics = node_metrics(project(membership), membership, MetricParameters())
    figures = sector_figures(membership.sectors, metrics.neighbour_sectors)
    gov, business = 0, 2
    assert figures.members[gov] == 2
    assert figures.ties[gov, gov] == 1  # 1-2
    assert figures.ties[business, business] == 1  # 3-4
    assert figures.ties[gov, business] == figures.ties[business, gov] == 2  # 1-3, 2-3
    assert figures.density[gov, business] == pytest.approx(2 / 4)
    assert figures.density[gov, gov] == pytest.approx(1.0)
    assert figures.ei_index[gov] == pytest.approx((2 - 1) / 3)


def test_each_forum_growth_by_hand():
    sectors = {1: "government", 2: "civil_society", 3: "civil_society", 4: "business"}
    rows = [
        (1, 10), (2, 10),           # forum 10: 1-2, the first government–civil society tie
        (1, 11), (2, 11), (3, 11),  # forum 11: 1-2 again; new 1-3 (gov–cs), 2-3 (cs–cs)
        (4, 12),                    # forum 12: one person alone, no ties
        (3, 13), (4, 13),           # forum 13: 3-4, the first civil society–business tie
    ]  # fmt: skip
    data = attendance(rows, sectors=sectors, forums=[10, 11, 12, 13, 14])
    growth = forum_growth(contact_membership(data))
    assert growth.attendees.tolist() == [2, 3, 1, 2, 0]
    assert growth.first_timers.tolist() == [2, 1, 1, 0, 0]
    assert growth.returning.tolist() == [0, 2, 0, 2, 0]
    assert growth.new_ties.tolist() == [1, 2, 0, 1, 0]
    assert growth.new_cross_sector_ties.tolist() == [1, 1, 0, 1, 0]
    assert growth.sectors_connected == [
        [("government", "civil_society")],
        [],
        [],
        [("civil_society", "business")],
        [],
    ]
    assert growth.ties_so_far.tolist() == [1, 3, 3, 4, 4]
    assert growth.contacts_so_far.tolist() == [2, 3, 4, 4, 4]


def test_a_forum_with_one_attendee_and_contacts_without_ties():
    result = network_analyse(attendance([(1, 1), (2, 2)]), AnalysisParameters())
    assert result.sizes["contacts"] == 2
    assert result.sizes["ties"] == 0
    assert result.sizes["isolates"] == 2
    assert result.contact_metrics.degree.tolist() == [0, 0]
    assert result.ties.weight.size == 0
    assert result.growth.attendees.tolist() == [1, 1]


def test_no_attendance_at_all_is_an_empty_result_not_an_error():
    result = network_analyse(attendance([], forums=[1, 2]), AnalysisParameters())
    assert result.sizes["contacts"] == 0
    assert result.growth.attendees.tolist() == [0, 0]


def test_strongest_ties_are_kept_in_order_with_the_forum_that_made_them():
    rows = [(1, 1), (2, 1), (1, 2), (2, 2), (3, 2), (3, 3), (4, 3)]
    result = network_analyse(attendance(rows), AnalysisParameters(ties_kept=2))
    ties = result.ties
    # 1-2 met twice; among the single meetings, 3-4's forum of two outweighs (Newman 1)
    # the forum of three where 1-3 and 2-3 met (Newman 1/2 each).
    assert list(zip(ties.left.tolist(), ties.right.tolist(), strict=True)) == [(1, 2), (3, 4)]
    assert ties.weight.tolist() == [2.0, 1.0]
    assert ties.newman.tolist() == [1.5, 1.0]
    assert ties.first_forum.tolist() == [1, 3]


def test_a_plenary_cap_keeps_attendance_but_drops_the_plenarys_ties():
    rows = [(p, 1) for p in range(1, 6)] + [(1, 2), (2, 2)]
    capped = network_analyse(attendance(rows), AnalysisParameters(plenary_cap=3))
    assert capped.growth.attendees.tolist() == [5, 2]
    assert capped.growth.new_ties.tolist() == [0, 1]
    assert capped.sizes["ties"] == 1
    full = network_analyse(attendance(rows), AnalysisParameters())
    assert full.sizes["ties"] == 10


def test_organisation_people_and_latest_organisation_of_each_contact():
    rows = [(1, 1, 7), (1, 2, 8), (2, 1, 7), (3, 2, -1)]
    result = network_analyse(attendance(rows), AnalysisParameters(active_days=20))
    assert result.organisations.ids.tolist() == [7, 8]
    assert result.organisation_people.tolist() == [2, 1]
    # Forum 2 is 30 days after forum 1: only org 8's person came within the last 20 days.
    assert result.organisation_active.tolist() == [0, 1]
    assert result.contact_organisation.tolist() == [8, 7, -1]
    assert result.contact_forums.tolist() == [2, 1, 1]
    assert nx.is_connected(nx.complete_graph(2))  # networkx is importable alongside numba


def test_a_tie_budget_caps_the_largest_forums_first():
    rows = [(p, 1) for p in range(1, 11)] + [(p, 2) for p in range(1, 5)] + [(5, 3), (6, 3)]
    # Pairs: forum 1 makes 45, forum 2 six, forum 3 one. A budget of 10 drops forum 1.
    capped = network_analyse(attendance(rows), AnalysisParameters(max_ties=10))
    assert capped.sizes["plenary_cap"] == 4
    assert capped.sizes["ties"] == 7
    roomy = network_analyse(attendance(rows), AnalysisParameters(max_ties=100))
    assert roomy.sizes["plenary_cap"] is None


def test_keeping_no_ties_keeps_none_and_stays_inside_its_arrays():
    # Found by the property tests: with NETWORK_TIES_KEPT=0 the compiled heap compared each
    # tie with the first entry of an empty array, reading (and writing) memory it does not
    # own. Run as plain Python here, where an index past the end raises.
    rows = [(1, 1), (2, 1), (3, 1)]
    plain = kernels._strongest_heap.py_func
    with mock.patch.object(kernels, "_strongest_heap", plain):
        result = network_analyse(attendance(rows), AnalysisParameters(ties_kept=0))
    assert len(result.ties.left) == 0
    assert result.sizes["ties"] == 3
