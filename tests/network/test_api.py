import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from network.models import NetworkSnapshot
from network.services import analysis_parameters, network_snapshot_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshot(davis):
    made = NetworkSnapshot.objects.create(
        trigger="command", parameters=analysis_parameters().as_dict()
    )
    network_snapshot_build(snapshot_id=made.pk)
    made.refresh_from_db()
    return made


def test_nothing_is_computed_yet_is_a_clear_404(coordinator_api, db):
    response = coordinator_api.get("/api/v1/network/actors/")
    assert response.status_code == 404
    assert "recompute" in response.json()["detail"]


@pytest.mark.parametrize(
    "endpoint", ["actors", "organisations", "forums", "brokers", "sectors", "graph", "recompute"]
)
def test_network_reads_need_a_role(api, viewer_api, snapshot, endpoint):
    assert api.get(f"/api/v1/network/{endpoint}/").status_code == 401
    assert viewer_api.get(f"/api/v1/network/{endpoint}/").status_code == 200


def test_actors_have_every_metric_and_the_snapshot(coordinator_api, snapshot):
    body = coordinator_api.get("/api/v1/network/actors/", {"page_size": 5}).json()
    assert body["snapshot"]["id"] == snapshot.pk
    assert body["count"] == 18
    row = body["results"][0]
    for field in ("contact", "name", "sector", "degree", "weighted_degree", "betweenness",
                  "pagerank", "closeness", "community", "constraint", "effective_size",
                  "cross_sector_ties", "sectors_reached", "ei_index", "coordinator",
                  "gatekeeper", "representative", "consultant", "liaison"):  # fmt: skip
        assert field in row
    betweenness = [r["betweenness"] for r in body["results"]]
    assert betweenness == sorted(betweenness, reverse=True)


def test_actors_filter_and_order(coordinator_api, snapshot, davis):
    business = coordinator_api.get("/api/v1/network/actors/", {"sector": "business"}).json()
    assert business["count"] == 6
    assert {r["sector"] for r in business["results"]} == {"business"}
    by_degree = coordinator_api.get("/api/v1/network/actors/", {"ordering": "degree"}).json()
    degrees = [r["degree"] for r in by_degree["results"]]
    assert degrees == sorted(degrees)
    some = business["results"][0]
    assert (
        coordinator_api.get("/api/v1/network/actors/", {"community": some["community"]}).json()[
            "count"
        ]
        >= 1
    )
    organisation = coordinator_api.get(
        "/api/v1/network/actors/", {"organisation": some["organisation"]}
    ).json()
    assert organisation["count"] == 6
    assert coordinator_api.get("/api/v1/network/actors/", {"community": "x"}).status_code == 400
    assert coordinator_api.get("/api/v1/network/actors/", {"ordering": "salary"}).status_code == 400


def test_snapshot_and_as_of_choose_which_snapshot(coordinator_api, snapshot):
    assert (
        coordinator_api.get("/api/v1/network/actors/", {"snapshot": snapshot.pk}).status_code == 200
    )
    assert coordinator_api.get("/api/v1/network/actors/", {"snapshot": 999_999}).status_code == 404
    assert (
        coordinator_api.get("/api/v1/network/actors/", {"as_of": "1936-01-01"}).status_code == 404
    )
    assert coordinator_api.get("/api/v1/network/actors/", {"as_of": "soon"}).status_code == 400


def test_organisations_sectors_forums_and_brokers(coordinator_api, snapshot):
    organisations = coordinator_api.get("/api/v1/network/organisations/").json()
    assert organisations["count"] == 3
    assert {"people", "people_active", "betweenness"} <= set(organisations["results"][0])
    sectors = coordinator_api.get("/api/v1/network/sectors/").json()
    assert sectors["matrix"]["labels"] == ["business", "civil_society", "government"]
    ties = sectors["matrix"]["ties"]
    assert ties == [list(row) for row in zip(*ties, strict=True)]  # symmetric
    assert sum(ties[i][j] for i in range(3) for j in range(i, 3)) == 139
    forums = coordinator_api.get("/api/v1/network/forums/").json()
    assert forums["count"] == 14
    assert forums["results"][0]["new_ties"] == forums["results"][0]["ties_so_far"]
    assert forums["results"][-1]["ties_so_far"] == 139
    brokers = coordinator_api.get("/api/v1/network/brokers/", {"limit": 3}).json()["results"]
    assert len(brokers) == 3
    assert brokers[0]["brokerage"] >= brokers[-1]["brokerage"] > 0
    assert brokers[0]["brokerage"] == sum(
        brokers[0][r] for r in ("gatekeeper", "representative", "consultant", "liaison")
    )
    assert len(brokers[0]["sectors_connected"]) >= 2


def test_graph_filters_and_caps(coordinator_api, snapshot, davis):
    full = coordinator_api.get("/api/v1/network/graph/", {"limit": 1000}).json()
    assert len(full["edges"]) == 139
    assert len(full["nodes"]) == 18
    capped = coordinator_api.get("/api/v1/network/graph/", {"limit": 10}).json()
    weights = [e["weight"] for e in capped["edges"]]
    assert len(weights) == 10
    assert weights == sorted(weights, reverse=True)
    assert min(weights) >= max(e["weight"] for e in full["edges"][10:])
    strong = coordinator_api.get("/api/v1/network/graph/", {"min_weight": 3}).json()
    assert all(e["weight"] >= 3 for e in strong["edges"])
    business = coordinator_api.get("/api/v1/network/graph/", {"sector": "business"}).json()
    assert {n["sector"] for n in business["nodes"]} == {"business"}
    early = davis["forums"]["E3"].pk
    first_three = coordinator_api.get("/api/v1/network/graph/", {"to_forum": early}).json()
    growth = coordinator_api.get("/api/v1/network/forums/").json()["results"]
    assert len(first_three["edges"]) == growth[2]["ties_so_far"]
    sized = coordinator_api.get("/api/v1/network/graph/", {"size_by": "betweenness"}).json()
    assert sized["size_by"] == "betweenness"
    assert coordinator_api.get("/api/v1/network/graph/", {"limit": 999_999}).status_code == 400
    assert coordinator_api.get("/api/v1/network/graph/", {"to_forum": 999_999}).status_code == 400


def test_recompute_queues_and_reports_progress(
    coordinator_api, viewer_api, davis, django_capture_on_commit_callbacks
):
    assert viewer_api.post("/api/v1/network/recompute/", {}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_api.post("/api/v1/network/recompute/", {"as_of": "1936-02-01"})
    assert response.status_code == 202
    body = response.json()
    # Without a broker the task ran in-process; with one, it would still be queued.
    status = coordinator_api.get(f"/api/v1/network/recompute/{body['id']}/").json()
    assert status["status"] == "done"
    assert status["progress"] == 100
    assert status["as_of"] == "1936-02-01"
    assert coordinator_api.post("/api/v1/network/recompute/", {"as_of": "never"}).status_code == 400
    assert (
        coordinator_api.post("/api/v1/network/recompute/", {"programme": 10**9}).status_code == 400
    )


@pytest.mark.parametrize("endpoint", ["actors", "organisations", "forums"])
def test_network_lists_run_a_constant_number_of_queries(token_api, snapshot, endpoint):
    def queries(size):
        with CaptureQueriesContext(connection) as captured:
            assert (
                token_api.get(f"/api/v1/network/{endpoint}/", {"page_size": size}).status_code
                == 200
            )
        return len(captured)

    assert queries(2) == queries(14)


def test_graph_can_send_everyone_with_fixed_positions(coordinator_api, snapshot, davis):
    capped = coordinator_api.get("/api/v1/network/graph/", {"limit": 3}).json()
    everyone = coordinator_api.get(
        "/api/v1/network/graph/", {"limit": 3, "everyone": "true"}
    ).json()
    assert len(capped["nodes"]) < len(everyone["nodes"]) == len(davis["women"])
    assert everyone["edges"] == capped["edges"]  # the same strongest ties
    again = coordinator_api.get("/api/v1/network/graph/", {"everyone": "true"}).json()
    position = {n["id"]: (n["x"], n["y"]) for n in everyone["nodes"]}
    assert all(position[n["id"]] == (n["x"], n["y"]) for n in again["nodes"])
    assert len(set(position.values())) == len(position)  # nobody drawn on top of another
    business = coordinator_api.get(
        "/api/v1/network/graph/", {"everyone": "true", "sector": "business"}
    ).json()
    assert {n["sector"] for n in business["nodes"]} == {"business"}


def test_graph_and_brokers_run_a_constant_number_of_queries(token_api, snapshot):
    def queries(url, **params):
        with CaptureQueriesContext(connection) as captured:
            assert token_api.get(url, params).status_code == 200
        return len(captured)

    # The first read of a snapshot computes its drawing positions (one query), then they
    # are cached: every later request costs the same whatever the limit.
    first = queries("/api/v1/network/graph/", limit=5)
    assert queries("/api/v1/network/graph/", limit=5) == first - 1
    assert queries("/api/v1/network/graph/", limit=100) == first - 1
    assert queries("/api/v1/network/graph/", limit=100, everyone="true") == first - 1
    assert queries("/api/v1/network/brokers/", limit=2) == queries(
        "/api/v1/network/brokers/", limit=15
    )


def test_recompute_after_a_forum_uses_its_date(
    coordinator_api, davis, django_capture_on_commit_callbacks
):
    fifth = davis["forums"]["E5"]
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_api.post("/api/v1/network/recompute/", {"after_forum": fifth.pk})
    assert response.status_code == 202
    assert response.json()["as_of"] == fifth.date.isoformat()
    forums = coordinator_api.get("/api/v1/network/forums/", {"snapshot": response.json()["id"]})
    assert forums.json()["count"] == 5
    missing = coordinator_api.post("/api/v1/network/recompute/", {"after_forum": 10**12})
    assert missing.status_code == 400
