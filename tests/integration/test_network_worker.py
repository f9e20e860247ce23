"""A real Celery worker builds network snapshots from the Redis queue, exactly once."""

import time

import pytest
from django.db import connection

from network.models import ActorMetrics, NetworkSnapshot
from network.services import analysis_parameters
from tests.conftest import service_unavailable

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def shared_database(transactional_db):
    """The test database's URL, for a worker process to connect to."""
    if connection.vendor != "postgresql":
        service_unavailable(
            "a worker process cannot open the in-memory SQLite test database; "
            "run with DATABASE_URL pointing at PostgreSQL"
        )
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"


def wait_for(predicate, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def test_a_worker_builds_a_queued_snapshot_once_even_if_the_task_arrives_twice(
    shared_database, davis, start_worker, celery_client
):
    worker = start_worker(DATABASE_URL=shared_database)
    snapshot = NetworkSnapshot.objects.create(
        trigger="manual", parameters=analysis_parameters().as_dict()
    )
    first = celery_client.send_task(
        "network.snapshot_build", args=[snapshot.pk], queue=worker.queue
    )
    second = celery_client.send_task(
        "network.snapshot_build", args=[snapshot.pk], queue=worker.queue
    )
    results = sorted([first.get(timeout=180)["built"], second.get(timeout=180)["built"]])
    assert results == [False, True]
    snapshot.refresh_from_db()
    assert snapshot.status == "done"
    assert snapshot.progress == 100
    assert ActorMetrics.objects.filter(snapshot=snapshot).count() == 18
