"""Real services for integration tests: Redis as the broker and Celery worker processes.

Without Redis these tests skip with the reason; with REQUIRE_SERVICES=1 (CI) they fail.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from celery import Celery

from tests.conftest import service_unavailable
from tests.private_services import PrivatePostgres, PrivateRedis, Unavailable

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BROKER = "redis://127.0.0.1:6379/15"


@pytest.fixture(scope="session")
def broker_url():
    url = os.environ.get("CELERY_BROKER_URL") or DEFAULT_BROKER
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        service_unavailable(f"Redis is not reachable at {url}: {error}")
    return url


class WorkerProcess:
    """A Celery worker started as a separate OS process, listening on its own queue."""

    def __init__(self, broker: str, env: dict, queue: str, name: str):
        self.broker, self.queue, self.name = broker, queue, name
        self.log = ROOT / ".pytest_cache" / f"worker-{name}.log"
        self.log.parent.mkdir(exist_ok=True)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "CELERY_BROKER_URL": broker,
            "CELERY_RESULT_BACKEND": broker,
            # The test decides when work starts: no sweep when the worker connects.
            "WORKER_SWEEP_ON_CONNECT": "false",
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 150) -> None:
        # One process per worker ("solo" pool): killing it kills the one process that sends.
        command = [
            sys.executable, "-m", "celery", "-A", "tasks.celery", "worker",
            "--queues", self.queue, "--pool", "solo", "--loglevel", "INFO",
            "--hostname", f"{self.name}@%h", "--without-gossip", "--without-mingle",
        ]  # fmt: skip
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        client = Celery(broker=self.broker)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{self.log.read_text()[-3000:]}")
            replies = client.control.ping(
                destination=[f"{self.name}@{os.uname().nodename}"], timeout=1
            )
            if replies:
                return
        raise RuntimeError(f"worker did not come up:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no cleanup, no acknowledgement, as when a machine dies."""
        self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def start_worker(broker_url):
    """Start workers on a fresh queue; each is stopped when the test ends."""
    workers: list[WorkerProcess] = []
    queue = f"test-{uuid.uuid4().hex[:8]}"

    def start(**env) -> WorkerProcess:
        worker = WorkerProcess(broker_url, env, queue, f"{queue}-{len(workers)}")
        workers.append(worker)  # stopped at the end even if it never came up
        worker.start()
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def celery_client(broker_url):
    """A Celery client on the real broker (the test settings themselves run tasks eagerly)."""
    return Celery("test-client", broker=broker_url, backend=broker_url)


@pytest.fixture
def shared_database(transactional_db):
    """The test database's URL, for worker processes to connect to (PostgreSQL only)."""
    from django.db import connection

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


def wait_for(predicate, timeout=180, every=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False


@pytest.fixture
def private_redis(monkeypatch):
    """A Redis of this test's own, which it may stop and start (never the shared one).

    Celery prefers CELERY_BROKER_URL and CELERY_RESULT_BACKEND from the environment to the
    URL an app is given, so they are taken out of this process's environment meanwhile."""
    try:
        server = PrivateRedis()
        server.start()
    except Unavailable as error:
        service_unavailable(f"no private Redis: {error}")
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("CELERY_RESULT_BACKEND", raising=False)
    yield server
    server.stop()


@pytest.fixture
def private_database(transactional_db, django_db_blocker):
    """A private PostgreSQL cluster holding a copy of the (migrated) test database, which
    the test may restart; Django's default connection points at it for the test.

    Yields the cluster and the database's URL for worker processes."""
    from django.db import connections

    default = connections["default"]
    if default.vendor != "postgresql":
        service_unavailable("a private PostgreSQL copies the test database: run on PostgreSQL")
    settings = default.settings_dict
    source = (f"postgres://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}:"
              f"{settings['PORT'] or 5432}/{settings['NAME']}")  # fmt: skip
    try:
        cluster = PrivatePostgres()
        cluster.start()
    except Unavailable as error:
        service_unavailable(f"no private PostgreSQL: {error}")
    saved = dict(settings)
    try:
        with django_db_blocker.unblock():
            url = cluster.copy_from(source, "civicnet")
            default.close()
            settings.update(HOST="127.0.0.1", PORT=str(cluster.port), NAME="civicnet",
                            USER="postgres", PASSWORD="")  # fmt: skip
            yield cluster, url
            default.close()
    finally:
        settings.clear()
        settings.update(saved)
        cluster.remove()
