"""A worker's health, seen from outside its process, and what it does on each connection.

While a worker is connected to the broker and its event loop runs, it touches a file of its
own in WORKER_HEARTBEAT_DIR every WORKER_HEARTBEAT_SECONDS. A file is chosen over a row in
the database or a key in Redis because it answers the question a supervisor or a container
asks ("is this process alive and consuming?") on the worker's own machine, with neither
service needed to ask it: a worker is not unhealthy because the database is down, and a
check that needs Redis cannot tell a dead worker from a dead broker. The timer runs in the
consumer's event loop, so a loop that hangs stops the heartbeat too; while the broker is
away the worker waits for it and the file ages, which `manage.py worker_health` reports.

Each time the worker (re)connects it also sends the periodic sweeps at once: a broker that
came back empty has lost every queued task, and the sweeps rebuild them from the database
within seconds instead of at beat's next minute.
"""

import json
import logging
import os
import time
from pathlib import Path

from celery import bootsteps
from django.conf import settings

from core.task_names import OUTREACH_SWEEP, SNAPSHOTS_SWEEP

logger = logging.getLogger(__name__)

SWEEPS = (OUTREACH_SWEEP, SNAPSHOTS_SWEEP)


def heartbeat_path(hostname: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_.@" else "_" for c in hostname)
    return Path(settings.WORKER_HEARTBEAT_DIR) / f"{safe}.json"


def worker_heartbeats() -> dict[str, float]:
    """Seconds since each worker's last heartbeat, by worker name."""
    directory = Path(settings.WORKER_HEARTBEAT_DIR)
    now = time.time()
    ages = {}
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        try:
            name = json.loads(path.read_text())["hostname"]
            ages[name] = now - path.stat().st_mtime
        except (OSError, ValueError, KeyError):
            continue  # being written, or removed meanwhile
    return ages


class Heartbeat(bootsteps.StartStopStep):
    """Started after the worker begins consuming (each connection), stopped when the
    connection is lost and when the worker shuts down."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, parent, **kwargs):
        self.entry = None
        self.path: Path | None = None
        super().__init__(parent, **kwargs)

    def start(self, consumer):
        self.path = heartbeat_path(consumer.hostname)
        self.record = json.dumps({"hostname": consumer.hostname, "pid": os.getpid()})
        self.touch()
        self.entry = consumer.timer.call_repeatedly(settings.WORKER_HEARTBEAT_SECONDS, self.touch)
        if settings.WORKER_SWEEP_ON_CONNECT:
            sweeps_send(consumer)

    def touch(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(self.record)
            temporary.replace(self.path)  # a reader never sees half a file
        except OSError as error:
            logger.warning("worker heartbeat not written to %s: %s", self.path, error)

    def stop(self, consumer):
        if self.entry is not None:
            self.entry.cancel()
            self.entry = None

    def shutdown(self, consumer):
        self.stop(consumer)
        if self.path is not None:  # a worker stopped on purpose is not an unhealthy one
            self.path.unlink(missing_ok=True)


def sweeps_send(consumer) -> None:
    """Queue the sweeps on the worker's own first queue. Never raises: a failure here would
    restart the consumer, and beat sends them within a minute anyway."""
    queues = list(consumer.app.amqp.queues.consume_from or {}) or [
        consumer.app.conf.task_default_queue
    ]
    for name in SWEEPS:
        try:
            consumer.app.send_task(name, queue=queues[0], ignore_result=True)
        except Exception as error:
            logger.warning("could not send %s after connecting: %s", name, error)
