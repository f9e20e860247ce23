"""Snapshot jobs (core.jobs): who may claim a snapshot, what the sweep sends out again, and
how a build that lost the database differs from one that failed."""

import datetime as dt

import pytest
from django.db import OperationalError
from django.utils import timezone

from core import jobs
from engagement.models import EngagementSnapshot
from engagement.services import ENGAGEMENT_SNAPSHOTS
from network.models import NetworkSnapshot
from network.services import NETWORK_SNAPSHOTS

pytestmark = pytest.mark.django_db


def snapshot(model=NetworkSnapshot, *, age: float = 0, **fields):
    row = model.objects.create(trigger="manual", parameters={}, **fields)
    model.objects.filter(pk=row.pk).update(created=timezone.now() - dt.timedelta(seconds=age))
    return row


def ago(seconds: float):
    return timezone.now() - dt.timedelta(seconds=seconds)


@pytest.mark.parametrize("model", [NetworkSnapshot, EngagementSnapshot])
def test_a_queued_or_handed_back_snapshot_is_claimed_and_a_live_one_is_not(model):
    queued = snapshot(model)
    handed_back = snapshot(model, status="running", heartbeat=None)
    live = snapshot(model, status="running", heartbeat=ago(5))
    dead = snapshot(model, status="running", heartbeat=ago(700))
    assert jobs.job_claim(model, queued.pk, lease_seconds=600)
    assert jobs.job_claim(model, handed_back.pk, lease_seconds=600)
    assert not jobs.job_claim(model, live.pk, lease_seconds=600)
    assert jobs.job_claim(model, dead.pk, lease_seconds=600)
    # Claimed once: a second claim (a redelivered task) finds it taken.
    assert not jobs.job_claim(model, queued.pk, lease_seconds=600)


def test_the_sweep_sends_out_what_nobody_works_on_and_leaves_the_rest(settings):
    settings.NETWORK_RECOMPUTE_DELAY = 120
    settings.NETWORK_LEASE_SECONDS = 1800
    lost_task = snapshot(age=200)  # its task went with the broker's queue
    debouncing = snapshot(age=30)  # its task is still waiting for its countdown
    handed_back = snapshot(status="running", heartbeat=None)
    dead = snapshot(status="running", heartbeat=ago(2000))
    snapshot(status="running", heartbeat=ago(10))  # alive
    snapshot(status="done", age=5000)
    assert NETWORK_SNAPSHOTS.to_dispatch() == [lost_task.pk, handed_back.pk, dead.pk]
    assert debouncing.pk not in NETWORK_SNAPSHOTS.to_dispatch()
    assert ENGAGEMENT_SNAPSHOTS.to_dispatch() == []


def test_a_build_error_fails_the_snapshot_and_a_lost_database_hands_it_back(monkeypatch):
    broken = snapshot(status="running", heartbeat=timezone.now())
    with pytest.raises(ValueError, match="bad input"):
        jobs.job_stopped(NetworkSnapshot, broken.pk, ValueError("bad input"),
                         failed={"status": "failed"})  # fmt: skip
    broken.refresh_from_db()
    assert (broken.status, broken.error) == ("failed", "ValueError: bad input")

    interrupted = snapshot(status="running", heartbeat=timezone.now())
    # SQLite cannot lose its connection; stand in for PostgreSQL restarting.
    monkeypatch.setattr(jobs, "database_lost", lambda error: True)
    monkeypatch.setattr(jobs, "database_wait", lambda patience=0: True)
    lost = OperationalError("terminating connection due to administrator command")
    with pytest.raises(jobs.JobInterrupted):
        jobs.job_stopped(NetworkSnapshot, interrupted.pk, lost, failed={"status": "failed"})
    interrupted.refresh_from_db()
    assert (interrupted.status, interrupted.heartbeat) == ("running", None)
    assert interrupted.error.startswith("interrupted, will run again")
    assert jobs.job_claim(NetworkSnapshot, interrupted.pk, lease_seconds=1800)


def test_a_snapshot_done_before_its_last_step_failed_stays_done():
    done = snapshot(status="done", heartbeat=timezone.now())
    with pytest.raises(RuntimeError):
        jobs.job_stopped(NetworkSnapshot, done.pk, RuntimeError("statistics"),
                         failed={"status": "failed"})  # fmt: skip
    done.refresh_from_db()
    assert done.status == "done"


@pytest.mark.django_db(transaction=True)  # outside a transaction: database_lost judges then
def test_a_lost_database_is_told_from_an_error_that_leaves_the_connection_working(
    monkeypatch,
):
    from django.db import connection

    # "no such table" is an OperationalError too, but the connection still answers.
    connection.ensure_connection()
    assert not jobs.database_lost(OperationalError("no such table: x"))
    assert not jobs.database_lost(ValueError("x"))
    # The same kind of error with a connection that no longer answers is a lost database
    # (the in-memory SQLite of the tests cannot really be closed, so it is told so).
    monkeypatch.setattr(connection, "is_usable", lambda: False)
    assert jobs.database_lost(OperationalError("server closed the connection unexpectedly"))
    assert not jobs.database_lost(ValueError("x"))  # ...but only for a database's error


def test_inside_a_callers_transaction_it_is_never_taken_for_a_lost_database():
    """Not ours to judge: the caller's transaction decides what an error means."""
    assert not jobs.database_lost(OperationalError("server closed the connection"))
