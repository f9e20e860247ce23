import datetime as dt
import io

import networkx as nx
import pytest
from django.core.management import call_command
from django.utils import timezone
from networkx.algorithms import bipartite

from network.models import (
    ActorMetrics,
    ForumGrowth,
    NetworkSnapshot,
    NetworkTie,
    OrganisationMetrics,
    SectorSummary,
)
from network.services import network_recompute_schedule, network_snapshot_build
from tests.factories import ParticipationFactory

pytestmark = pytest.mark.django_db


def build(**fields) -> NetworkSnapshot:
    from network.services import analysis_parameters

    snapshot = NetworkSnapshot.objects.create(
        trigger="command", parameters=analysis_parameters().as_dict(), **fields
    )
    network_snapshot_build(snapshot_id=snapshot.pk)
    snapshot.refresh_from_db()
    return snapshot


def test_davis_southern_women_through_the_service_layer_matches_networkx(davis):
    snapshot = build()
    assert snapshot.status == "done"
    assert snapshot.sizes["contacts"] == 18
    assert snapshot.sizes["ties"] == 139
    projection = bipartite.weighted_projected_graph(davis["graph"], davis["women"])
    betweenness = nx.betweenness_centrality(projection)
    pagerank = nx.pagerank(projection, weight="weight")
    constraint = nx.constraint(projection, weight="weight")
    for woman, contact in davis["contacts"].items():
        actor = ActorMetrics.objects.get(snapshot=snapshot, contact=contact)
        assert actor.degree == projection.degree(woman)
        assert actor.weighted_degree == projection.degree(woman, weight="weight")
        assert actor.betweenness == pytest.approx(betweenness[woman], abs=1e-12)
        assert actor.pagerank == pytest.approx(pagerank[woman], abs=1e-6)
        assert actor.constraint == pytest.approx(constraint[woman], abs=1e-12)
        assert actor.sector == contact.sector
        assert actor.organisation.sector == contact.sector
    assert OrganisationMetrics.objects.filter(snapshot=snapshot).count() == 3
    assert ForumGrowth.objects.filter(snapshot=snapshot).count() == 14
    assert NetworkTie.objects.filter(snapshot=snapshot).count() == 139
    assert SectorSummary.objects.filter(snapshot=snapshot).count() == 3
    assert set(snapshot.timings) >= {"contact graph", "betweenness and closeness", "growth"}


def test_as_of_a_date_sees_only_the_forums_until_then(davis):
    cut = dt.date(1936, 1, 1) + dt.timedelta(days=7 * 4)  # after the fifth event
    snapshot = build(as_of=cut)
    assert snapshot.sizes["forums"] == 5
    assert ForumGrowth.objects.filter(snapshot=snapshot).count() == 5
    later = build()
    assert later.sizes["ties"] > snapshot.sizes["ties"]
    # Old snapshots stay: one contact's position can be compared over time.
    some = next(iter(davis["contacts"].values()))
    assert ActorMetrics.objects.filter(contact=some).count() == 2


def test_the_same_data_twice_gives_identical_snapshots(davis):
    first, second = build(), build()
    columns = ["contact_id", "degree", "betweenness", "closeness", "pagerank", "community",
               "constraint", "effective_size", "coordinator", "liaison", "ei_index"]  # fmt: skip

    def rows(s):
        return list(
            ActorMetrics.objects.filter(snapshot=s).order_by("contact_id").values_list(*columns)
        )

    assert rows(first) == rows(second)


def test_a_snapshot_is_built_once_even_if_asked_twice(davis):
    snapshot = build()
    assert network_snapshot_build(snapshot_id=snapshot.pk) is None
    assert ActorMetrics.objects.filter(snapshot=snapshot).count() == 18


def test_a_snapshot_abandoned_by_a_killed_worker_is_taken_over(davis, settings):
    from network.services import analysis_parameters

    snapshot = NetworkSnapshot.objects.create(
        trigger="command",
        parameters=analysis_parameters().as_dict(),
        status="running",
        heartbeat=timezone.now() - dt.timedelta(hours=2),
    )
    assert network_snapshot_build(snapshot_id=snapshot.pk) is not None
    snapshot.refresh_from_db()
    assert snapshot.status == "done"
    fresh = NetworkSnapshot.objects.create(
        trigger="command", parameters=analysis_parameters().as_dict(), status="running",
        heartbeat=timezone.now(),
    )  # fmt: skip
    assert network_snapshot_build(snapshot_id=fresh.pk) is None  # its worker is alive


def test_a_failed_computation_is_marked_failed_with_the_error(davis):
    snapshot = NetworkSnapshot.objects.create(trigger="command", parameters={"pivot": 8})
    with pytest.raises(TypeError):
        network_snapshot_build(snapshot_id=snapshot.pk)
    snapshot.refresh_from_db()
    assert snapshot.status == "failed"
    assert "TypeError" in snapshot.error


def test_participation_changes_queue_one_debounced_recompute(
    settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with django_capture_on_commit_callbacks() as callbacks:
        for _ in range(3):
            ParticipationFactory()
    from engagement.models import EngagementSnapshot

    queued = NetworkSnapshot.objects.filter(trigger="automatic", status="queued")
    assert queued.count() == 1
    assert EngagementSnapshot.objects.filter(trigger="automatic", status="queued").count() == 1
    # One task each for the network and engagement, with a countdown, for all three changes.
    assert len(callbacks) == 2


def test_without_a_broker_changes_do_not_compute_in_the_request(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    network_recompute_schedule()
    ParticipationFactory()
    assert not NetworkSnapshot.objects.exists()


def test_compute_network_command_shows_progress_and_network_report_prints_tables(davis):
    out = io.StringIO()
    call_command("compute_network", "--as-of", "1936-03-01", stdout=out)
    text = out.getvalue()
    assert "betweenness and closeness" in text
    assert "100%" in text
    assert "18 contacts" in text
    report = io.StringIO()
    call_command("network_report", "--top", "5", stdout=report)
    lines = report.getvalue()
    assert "Top actors by betweenness" in lines
    assert "Top cross-sector brokers" in lines
    assert any(woman.split()[0] in lines for woman in davis["women"])


def test_the_stored_columns_follow_the_order_the_rows_are_written_in():
    from network.metrics import BrokerageRole
    from network.models import METRIC_COLUMNS

    # network.services writes each row as: the scalar metrics, the roles in BrokerageRole
    # order, then sector_ties; COPY maps them onto METRIC_COLUMNS by position.
    ROLES = BrokerageRole.values
    assert METRIC_COLUMNS[-1 - len(ROLES) : -1] == list(ROLES)
