"""Workers that outlive their services, on the real stack: a private Redis that is killed and
started again empty, a private PostgreSQL cluster that is restarted, Celery worker processes
(also as `make worker` runs them, under supervisord) and an SMTP sink counting Message-IDs.

The machine's shared PostgreSQL and Redis are never stopped: see tests/private_services.py.
"""

import datetime as dt
import os
import shutil
import subprocess
import sys
import time
import uuid

import psycopg
import pytest
from celery import Celery
from django.db import connection

from network.models import ActorMetrics, NetworkSnapshot
from network.services import analysis_parameters
from outreach.audience import ForumAudience
from outreach.models import Mailing, OutboxMessage
from outreach.services.mailings import mailing_create, mailing_start, template_save
from tests.conftest import service_unavailable
from tests.integration.conftest import ROOT, WorkerProcess, wait_for
from tests.outreach.helpers import consenting_attendees
from tests.private_services import terminate
from tests.smtp_server import SMTPSink

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def sink():
    with SMTPSink() as server:
        server.handler.keep_messages = False
        yield server


def new_mailing(forum, settings) -> Mailing:
    template = template_save(
        name=f"Thanks {uuid.uuid4().hex[:6]}", purpose="forum_updates",
        translations=[{"language": "ru", "subject": "Спасибо, {{ contact.given_name }}",
                       "body_text": "{{ forum.title }} {{ unsubscribe_url }}"}],
    )  # fmt: skip
    mailing = mailing_create(
        name="Thanks", purpose="forum_updates", template=template,
        audience=ForumAudience(forum=forum.pk, statuses=("attended",)),
    )  # fmt: skip
    settings.OUTREACH_WORKERS_PER_MAILING = 0  # the test dispatches to its own queue
    return mailing_start(mailing=mailing)


def finished(mailing) -> bool:
    return Mailing.objects.get(pk=mailing.pk).status == "done"


def worker_on(broker: str, env: dict, tmp_path) -> WorkerProcess:
    queue = f"outage-{uuid.uuid4().hex[:8]}"
    env = {"WORKER_HEARTBEAT_DIR": str(tmp_path / "heartbeats"), "WORKER_HEARTBEAT_SECONDS": "1",
           "OUTREACH_RETRY_BASE_SECONDS": "0.5", "WORKER_SWEEP_ON_CONNECT": "true",
           **env}  # fmt: skip
    return WorkerProcess(broker, env, queue, queue)


def heartbeat_age(tmp_path, worker) -> float:
    path = next((tmp_path / "heartbeats").glob(f"{worker.name}@*.json"))
    return time.time() - path.stat().st_mtime


@pytest.fixture
def workers():
    started: list[WorkerProcess] = []
    yield started
    for worker in started:
        worker.stop()


def test_a_worker_outlives_redis_stopped_mid_send_and_every_message_goes_once(
    shared_database, private_redis, sink, workers, settings, tmp_path
):
    forum, _ = consenting_attendees(600)
    sink.handler.reply_delay = 0.01  # about 80 a second: the outage lands mid-send
    env = {"DATABASE_URL": shared_database, "EMAIL_URL": sink.url}
    worker = worker_on(private_redis.url(), env, tmp_path)
    workers.append(worker)
    worker.start()
    mailing = new_mailing(forum, settings)
    client = Celery("test-client", broker=private_redis.url())
    client.send_task("outreach.outbox_work", args=[mailing.pk], queue=worker.queue)
    assert wait_for(lambda: sink.handler.deliveries >= 150, timeout=60)

    private_redis.stop()  # as a crash: nothing saved
    time.sleep(10)
    assert worker.process.poll() is None, "the worker died with the broker"
    assert heartbeat_age(tmp_path, worker) > 3, "a worker without its broker is not healthy"
    private_redis.start()

    assert wait_for(lambda: finished(mailing), timeout=120)
    assert sink.handler.distinct() == sink.handler.deliveries == 600
    assert OutboxMessage.objects.filter(mailing=mailing, status="sent").count() == 600
    # Consuming again, and saying so.
    assert wait_for(lambda: heartbeat_age(tmp_path, worker) < 2, timeout=30)
    # The next mailing goes out through the restarted broker.
    second = new_mailing(forum, settings)
    client = Celery("test-client", broker=private_redis.url())
    client.send_task("outreach.outbox_work", args=[second.pk], queue=worker.queue)
    assert wait_for(lambda: finished(second), timeout=60)
    assert sink.handler.distinct() == sink.handler.deliveries == 1200


def test_a_send_queue_lost_with_redis_comes_back_from_the_sweep_in_seconds(
    shared_database, private_redis, sink, workers, settings, tmp_path
):
    forum, _ = consenting_attendees(300)
    sink.handler.reply_delay = 0.02
    env = {"DATABASE_URL": shared_database, "EMAIL_URL": sink.url, "OUTREACH_SENDERS": "1"}
    worker = worker_on(private_redis.url(), env, tmp_path)
    workers.append(worker)
    worker.start()
    busy = new_mailing(forum, settings)
    waiting = new_mailing(forum, settings)
    client = Celery("test-client", broker=private_redis.url())
    # One process: the second mailing's task waits in Redis behind the first.
    for mailing in (busy, waiting):
        client.send_task("outreach.outbox_work", args=[mailing.pk], queue=worker.queue)
    assert wait_for(lambda: sink.handler.deliveries >= 50, timeout=60)
    private_redis.stop()
    private_redis.start()  # empty: the waiting task is gone
    assert wait_for(lambda: finished(busy), timeout=60)
    returned = time.monotonic()
    # Beat is not running here: the sweep the worker sends when it reconnects finds the
    # mailing's queued rows and starts it again.
    assert wait_for(lambda: finished(waiting), timeout=60)
    assert time.monotonic() - returned < 30
    assert sink.handler.distinct() == sink.handler.deliveries == 600


def supervisorctl(run_dir, *command) -> str:
    answer = subprocess.run(
        [sys.executable, "-m", "supervisor.supervisorctl", "-c",
         str(ROOT / "scripts/supervisord.conf"), *command],
        env={**os.environ, "WORKER_RUN_DIR": str(run_dir)},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return answer.stdout.strip()


def supervised_pid(run_dir, name: str) -> int:
    answer = supervisorctl(run_dir, "pid", name)
    return int(answer) if answer.isdigit() else 0


def test_make_worker_restarts_a_dead_worker_and_beat_and_reports_health(private_redis, tmp_path):
    if shutil.which("supervisord", path=str(ROOT / ".venv/bin")) is None:
        service_unavailable("supervisord is not installed in .venv (pyproject.toml lists it)")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    heartbeats = tmp_path / "heartbeats"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "CELERY_BROKER_URL": private_redis.url(),
        "CELERY_RESULT_BACKEND": private_redis.url(),
        "WORKER_HEARTBEAT_DIR": str(heartbeats),
        "WORKER_HEARTBEAT_SECONDS": "1",
        "WORKER_RUN_DIR": str(run_dir),
        "CONCURRENCY": "1",
    }
    # What `make worker` runs, with the variables its recipe sets.
    command = ["make", "--no-print-directory", "-o", "install", "worker"]
    log = open(tmp_path / "supervisord.out", "wb")  # noqa: SIM115 - closed below
    supervisor = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                  stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    client = Celery("test-client", broker=private_redis.url(), backend=private_redis.url())
    health = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.test"}

    def healthy() -> bool:
        return subprocess.run(
            [sys.executable, "manage.py", "worker_health", "--max-age", "3"],
            cwd=ROOT, env=health, capture_output=True, check=False,
        ).returncode == 0  # fmt: skip

    try:
        assert wait_for(lambda: supervised_pid(run_dir, "worker") > 0, timeout=60)
        assert wait_for(lambda: supervised_pid(run_dir, "beat") > 0, timeout=60)
        assert client.send_task("diagnostics.ping").get(timeout=60)["pong"]
        assert healthy()
        for name in ("worker", "beat"):
            dead = supervised_pid(run_dir, name)
            os.kill(dead, 9)  # as the kombu crash did: the process is simply gone
            assert wait_for(lambda name=name, dead=dead: supervised_pid(run_dir, name)
                            not in (0, dead), timeout=60)  # fmt: skip
        # The new worker consumes: it answers, and its heartbeat is fresh.
        assert client.send_task("diagnostics.ping").get(timeout=90)["pong"]
        assert wait_for(healthy, timeout=30)
        # Stopped for good (not killed) it says so: no heartbeat, exit status 1.
        supervisorctl(run_dir, "stop", "worker")
        assert not healthy()
    finally:
        terminate(supervisor, timeout=60)
        log.close()


def test_postgresql_restarted_mid_send_loses_nothing_and_recovers_in_seconds(
    private_database, private_redis, sink, workers, settings, tmp_path
):
    cluster, url = private_database
    forum, _ = consenting_attendees(800)
    sink.handler.reply_delay = 0.01
    # A long lease: rows that waited for it would hold the mailing up for a minute.
    env = {"DATABASE_URL": url, "EMAIL_URL": sink.url, "OUTREACH_LEASE_SECONDS": "60",
           "OUTREACH_SENDERS": "3", "WORKER_SWEEP_ON_CONNECT": "false"}  # fmt: skip
    worker = worker_on(private_redis.url(), env, tmp_path)
    workers.append(worker)
    worker.start()
    mailing = new_mailing(forum, settings)
    client = Celery("test-client", broker=private_redis.url(), backend=private_redis.url())
    result = client.send_task("outreach.outbox_work", args=[mailing.pk], queue=worker.queue)
    assert wait_for(lambda: sink.handler.deliveries >= 200, timeout=60)
    connection.close()
    cluster.restart(down_for=2)  # every session ended, two seconds without a database
    restarted = time.monotonic()
    assert wait_for(lambda: finished(mailing), timeout=50)
    assert time.monotonic() - restarted < 30  # not the 60 s lease
    outcome = result.get(timeout=30)
    assert outcome["database_lost"] >= 1  # the senders did lose it and carried on
    rows = OutboxMessage.objects.filter(mailing=mailing)
    assert rows.filter(status="sent").count() == 800
    # Every recipient got one distinct message, and none twice: the messages accepted
    # while the database was away were recorded once it was back, not sent again.
    assert sink.handler.distinct() == 800
    assert sink.handler.deliveries == 800
    assert max(rows.values_list("attempts", flat=True)) == 1


def small_network() -> None:
    """Twelve people at four forums: enough for a snapshot with every stage."""
    from crm.models import Contact, Forum, Participation

    people = Contact.objects.bulk_create(
        Contact(given_name=f"P{i}", search_key=f"p{i}") for i in range(12)
    )
    forums = [
        Forum.objects.create(title=f"Forum {n}", date=dt.date(2019, 4, 1 + n)) for n in range(4)
    ]
    Participation.objects.bulk_create(
        Participation(contact=person, forum=forum, status="attended")
        for index, person in enumerate(people)
        for n, forum in enumerate(forums)
        if (index + n) % 3
    )


def test_postgresql_restarted_mid_recompute_retries_the_recompute_until_done(
    private_database, private_redis, workers, tmp_path
):
    cluster, url = private_database
    small_network()
    snapshot = NetworkSnapshot.objects.create(
        trigger="manual", parameters=analysis_parameters().as_dict()
    )
    worker = worker_on(private_redis.url(), {"DATABASE_URL": url}, tmp_path)
    workers.append(worker)
    worker.start()
    client = Celery("test-client", broker=private_redis.url(), backend=private_redis.url())
    # Hold the attendance table from another session, so that the recompute is surely
    # mid-way (claimed, reading attendance) when the database restarts.
    locker = psycopg.connect(url)
    try:
        locker.execute("LOCK TABLE crm_participation IN ACCESS EXCLUSIVE MODE")
        client.send_task("network.snapshot_build", args=[snapshot.pk], queue=worker.queue)
        assert wait_for(
            lambda: NetworkSnapshot.objects.filter(
                pk=snapshot.pk, status="running", stage="reading attendance"
            ).exists(),
            timeout=60,
        )
        time.sleep(0.5)  # the read is waiting for the lock
        connection.close()
        cluster.restart(down_for=1)  # ends every session, the recompute's and the lock's
    finally:
        locker.close()
    connection.close()
    assert wait_for(
        lambda: NetworkSnapshot.objects.get(pk=snapshot.pk).status in ("done", "failed"),
        timeout=90,
    )
    snapshot.refresh_from_db()
    assert (snapshot.status, snapshot.error) == ("done", "")
    assert ActorMetrics.objects.filter(snapshot=snapshot).count() == 12
