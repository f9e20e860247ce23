"""A real Celery worker builds network snapshots from the Redis queue, exactly once."""

import pytest

from network.models import ActorMetrics, NetworkSnapshot
from network.services import analysis_parameters

pytestmark = [pytest.mark.integration, pytest.mark.slow]


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
