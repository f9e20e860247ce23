import pytest

pytestmark = pytest.mark.integration


def test_a_real_worker_runs_a_task_from_the_redis_broker(start_worker, celery_client, tmp_path):
    database = tmp_path / "worker.sqlite3"
    worker = start_worker(DATABASE_URL=f"sqlite:///{database}")
    result = celery_client.send_task("diagnostics.ping", queue=worker.queue)
    answer = result.get(timeout=30)
    # The worker read its settings from the environment: broker and database alike.
    assert answer == {"pong": True, "database": str(database)}
