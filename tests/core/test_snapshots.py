"""One snapshot pattern (core.snapshots, core.snapshot_api): both kinds of snapshot answer
recomputes the same way, choose "as of" a date the same way, and report their progress."""

import datetime as dt

import pytest
from django.utils import timezone

from core.jobs import SnapshotStatus
from core.snapshot_api import SNAPSHOT_FIELDS
from core.snapshots import snapshot_jobs
from engagement.models import EngagementSnapshot
from engagement.services import engagement_snapshot_compute
from network.models import NetworkSnapshot

pytestmark = pytest.mark.django_db

KINDS = {"network": NetworkSnapshot, "engagement": EngagementSnapshot}
# A read of each kind that carries the chosen snapshot beside its results.
READS = {"network": "/api/v1/network/actors/", "engagement": "/api/v1/engagement/contacts/"}


@pytest.mark.parametrize("kind", KINDS)
def test_a_recompute_answers_202_and_asking_again_while_it_waits_answers_the_same_one(
    coordinator_api, kind
):
    # No on-commit callbacks run here, so the first request stays queued, as with a busy
    # worker.
    first = coordinator_api.post(f"/api/v1/{kind}/recompute/", {"as_of": "2020-01-01"})
    again = coordinator_api.post(f"/api/v1/{kind}/recompute/", {"as_of": "2020-01-01"})
    other = coordinator_api.post(f"/api/v1/{kind}/recompute/", {"as_of": "2020-02-01"})
    assert (first.status_code, again.status_code, other.status_code) == (202, 202, 202)
    assert again.json()["id"] == first.json()["id"]
    assert other.json()["id"] != first.json()["id"]
    assert set(SNAPSHOT_FIELDS) <= set(first.json())
    assert first.json()["status"] == "queued"
    assert KINDS[kind].objects.count() == 2
    assert coordinator_api.post(f"/api/v1/{kind}/recompute/", {"as_of": "never"}).status_code == 400


@pytest.mark.parametrize("kind", KINDS)
def test_both_kinds_describe_a_snapshot_with_the_same_fields(coordinator_api, kind):
    queued = coordinator_api.post(f"/api/v1/{kind}/recompute/", {}).json()
    status = coordinator_api.get(f"/api/v1/{kind}/recompute/{queued['id']}/").json()
    extra = {"programme"} if kind == "network" else set()
    assert set(status) == set(SNAPSHOT_FIELDS) | extra


def done(model, *, as_of, finished):
    return model.objects.create(
        status=SnapshotStatus.DONE, trigger="command", as_of=as_of, finished=finished
    )


@pytest.mark.parametrize("kind", KINDS)
def test_as_of_chooses_the_latest_snapshot_on_or_before_the_date(coordinator_api, kind):
    model = KINDS[kind]
    now = timezone.now()
    january = done(model, as_of=dt.date(2020, 1, 1), finished=now)
    june = done(model, as_of=dt.date(2020, 6, 1), finished=now - dt.timedelta(days=1))

    def chosen(as_of):
        response = coordinator_api.get(READS[kind], {"as_of": as_of})
        return response.json()["snapshot"]["id"] if response.status_code == 200 else None

    assert chosen("2019-12-31") is None
    assert chosen("2020-01-01") == january.pk
    assert chosen("2020-05-31") == january.pk
    assert chosen("2020-06-01") == june.pk
    assert chosen("2030-01-01") == june.pk


def test_a_network_snapshot_of_every_forum_counts_as_of_the_day_it_finished(coordinator_api):
    finished = timezone.now() - dt.timedelta(days=10)
    everything = done(NetworkSnapshot, as_of=None, finished=finished)
    before = done(NetworkSnapshot, as_of=finished.date() - dt.timedelta(days=30), finished=finished)

    def chosen(as_of):
        response = coordinator_api.get(READS["network"], {"as_of": as_of.isoformat()})
        return response.json()["snapshot"]["id"]

    assert chosen(timezone.localdate()) == everything.pk
    assert chosen(timezone.localdate(finished)) == everything.pk
    assert chosen(timezone.localdate(finished) - dt.timedelta(days=1)) == before.pk


def test_an_engagement_snapshot_reports_its_stages_and_finish(davis):
    stages = []
    job = next(job for job in snapshot_jobs() if job.model is EngagementSnapshot)
    snapshot = job.compute_now(
        as_of=dt.date(1936, 12, 31), progress=lambda stage, percent: stages.append((stage, percent))
    )
    snapshot.refresh_from_db()
    assert (snapshot.status, snapshot.stage, snapshot.progress) == ("done", "done", 100)
    assert snapshot.started <= snapshot.finished
    assert snapshot.heartbeat is not None
    assert [stage for stage, _ in stages] == [*job.stages, "done"]
    percents = [percent for _, percent in stages]
    assert percents == sorted(percents)


def test_every_kind_of_snapshot_is_swept():
    assert {job.model for job in snapshot_jobs()} == set(KINDS.values())


def test_an_engagement_build_is_claimed_once(davis):
    snapshot = engagement_snapshot_compute(as_of=dt.date(1936, 12, 31))
    job = next(job for job in snapshot_jobs() if job.model is EngagementSnapshot)
    assert job.build(snapshot.pk) is None  # done: nobody builds it again


@pytest.mark.parametrize("kind", KINDS)
def test_latest_means_the_latest_period_not_the_latest_computed(coordinator_api, kind):
    """A past period computed today (a history) never replaces the present."""
    model = KINDS[kind]
    now = timezone.now()
    present = done(model, as_of=timezone.localdate(now), finished=now - dt.timedelta(hours=2))
    done(model, as_of=dt.date(2018, 1, 1), finished=now)
    assert coordinator_api.get(READS[kind]).json()["snapshot"]["id"] == present.pk


def test_a_programmes_own_network_is_never_the_installations(coordinator_api):
    from tests.factories import ProgrammeFactory

    now = timezone.now()
    whole = done(NetworkSnapshot, as_of=None, finished=now - dt.timedelta(hours=1))
    NetworkSnapshot.objects.create(
        status=SnapshotStatus.DONE,
        trigger="command",
        finished=now,
        programme=ProgrammeFactory(),
    )
    assert coordinator_api.get(READS["network"]).json()["snapshot"]["id"] == whole.pk
    today = timezone.localdate().isoformat()
    assert coordinator_api.get(READS["network"], {"as_of": today}).json()["snapshot"]["id"] == (
        whole.pk
    )
