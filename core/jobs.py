"""Work that must outlive a lost database connection: snapshot jobs, and the wait for the
database to come back. (The whole snapshot pattern built on these is core.snapshots.)

A snapshot (network or engagement) is a job row: ``queued``, then ``running`` under a
heartbeat, then ``done`` or ``failed`` (``SnapshotStatus``). A worker that dies stops its
heartbeat, and the snapshot is taken over once the heartbeat is older than the lease. A
build that stopped only because the database went away (a restart, a failover, a dropped
connection) is not a failure of the snapshot: once the database answers again it is handed
back (``running`` without a heartbeat, which any claim takes at once) and built again.
"""

import logging
import time
from datetime import timedelta

from django.db import connection
from django.db.models import Q, TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# How long a worker waits for the database before it gives up on putting its work right:
# after that a dead heartbeat or an expired lease hands the work on, as after a crash.
DATABASE_PATIENCE = 600.0


class SnapshotStatus(TextChoices):
    """Where a snapshot job stands; every kind of snapshot shares these."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class JobInterrupted(Exception):
    """The database connection was lost during a job; the job was handed back and should
    run again (tasks retry on this)."""


# For the tasks of such jobs: run again soon, with backoff (1 s, 2 s, 4 s... up to a
# minute). If every retry fails too, the periodic sweeps send the work out again later.
RETRY_WHEN_INTERRUPTED = {
    "autoretry_for": (JobInterrupted,),
    "retry_backoff": 1,
    "retry_backoff_max": 60,
    "max_retries": 30,
}


def database_lost(error: BaseException) -> bool:
    """True when ``error`` came from losing the database, not from the work: the error is
    one the driver raises for connections (OperationalError, InterfaceError) and this
    thread's connection no longer answers. "No such table", a lock timeout or a cancelled
    statement leave a working connection, and stay failures."""
    from django.db import InterfaceError, OperationalError

    kinds: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)
    try:
        import psycopg  # COPY runs on psycopg's own cursor, whose errors Django does not wrap

        kinds += (psycopg.OperationalError, psycopg.InterfaceError)
    except ImportError:  # pragma: no cover - psycopg is a dependency
        pass
    seen, cause = set(), error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, kinds):
            break
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    else:
        return False
    if connection.in_atomic_block:
        return False  # the caller's transaction: not ours to judge or to reconnect
    try:
        return connection.connection is None or not connection.is_usable()
    except Exception:  # a connection too broken even to ask
        return True


def database_wait(patience: float = DATABASE_PATIENCE) -> bool:
    """Drop this thread's broken connection and reconnect until the database answers, for
    up to ``patience`` seconds. True when it answers."""
    deadline = time.monotonic() + patience
    pause = 0.1
    while True:
        connection.close()
        try:
            connection.ensure_connection()
            if connection.is_usable():
                return True
        except Exception as error:  # any failure to connect: try again
            logger.info("database not back yet: %s", error)
        if time.monotonic() + pause > deadline:
            connection.close()
            return False
        time.sleep(pause)
        pause = min(pause * 2, 2.0)


def job_claim(model, pk: int, *, lease_seconds: int) -> bool:
    """Take a queued job, one handed back without a heartbeat, or one whose worker stopped
    sending heartbeats ``lease_seconds`` ago (killed)."""
    now = timezone.now()
    stale = now - timedelta(seconds=lease_seconds)
    running = SnapshotStatus.RUNNING
    free = Q(status=SnapshotStatus.QUEUED) | Q(status=running, heartbeat__isnull=True)
    return bool(
        model.objects.filter(pk=pk)
        .filter(free | Q(status=running, heartbeat__lt=stale))
        .update(status=running, heartbeat=now, error="")
    )


def job_stopped(model, pk: int, error: BaseException, *, failed: dict) -> None:
    """Record why a claimed job stopped, then raise: ``JobInterrupted`` when the database
    went away (the job is handed back once it answers), else the error itself after
    writing ``failed`` (the failed status and its fields) on the row.

    Only a row still running is touched: a job that reached ``done`` before its last
    step failed (statistics after the commit, say) stays done.
    """
    note = f"{type(error).__name__}: {error}"[:2000]
    if database_lost(error):
        if database_wait():
            model.objects.filter(pk=pk, status=SnapshotStatus.RUNNING).update(
                heartbeat=None, error=f"interrupted, will run again: {note}"[:2000]
            )
            logger.warning("job %s #%s interrupted by the database; handed back", model, pk)
        else:
            logger.error("job %s #%s: the database did not come back; its lease will", model, pk)
        raise JobInterrupted(note) from error
    model.objects.filter(pk=pk, status=SnapshotStatus.RUNNING).update(error=note, **failed)
    raise error


def jobs_to_dispatch(model, *, lease_seconds: int, queued_for: int) -> list[int]:
    """Jobs no worker is on, for the periodic sweep to send out again: running without a
    heartbeat (handed back) or with a dead one, and queued for longer than ``queued_for``
    seconds (their task was lost with the broker's queue, or its retry never came)."""
    now = timezone.now()
    stale = now - timedelta(seconds=lease_seconds)
    waiting = now - timedelta(seconds=queued_for)
    return list(
        model.objects.filter(
            Q(status=SnapshotStatus.RUNNING, heartbeat__isnull=True)
            | Q(status=SnapshotStatus.RUNNING, heartbeat__lt=stale)
            | Q(status=SnapshotStatus.QUEUED, created__lt=waiting)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
