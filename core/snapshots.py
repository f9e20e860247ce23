"""One pattern for every kind of snapshot: a computation of the whole installation as of a
date, stored, never overwritten, built by a worker.

A kind of snapshot is a model (``Snapshot`` and its result rows) and a ``SnapshotJob`` that
says how to compute and store it. Everything else is here, once:

- request: a queued row, its task sent once the transaction commits; asking again for the
  same period while one still waits answers with that one (a double click queues nothing);
- debounce: after data changes, at most one automatic snapshot waits (a partial unique
  constraint makes that race-free), sent after a delay that gathers the changes that follow;
- claim under a lease with a heartbeat, progress by stage, failure, take-over from a dead
  worker, hand-back after a lost database (core.jobs);
- history and "as of": reads pick a snapshot by id, or the latest whose period ends on or
  before a date (``snapshot_select``);
- sweep: snapshots that no worker is on are sent out again (``snapshot_jobs``).
"""

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.jobs import SnapshotStatus, job_claim, job_stopped, jobs_to_dispatch
from core.queue import enqueue

logger = logging.getLogger(__name__)


class SnapshotTrigger(models.TextChoices):
    MANUAL = "manual", _("Requested")
    AUTOMATIC = "automatic", _("After participation changes")
    COMMAND = "command", _("Command line")


class Snapshot(models.Model):
    """The job row every kind of snapshot shares; its results live in rows that point here."""

    created = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    trigger = models.CharField(
        max_length=20, choices=SnapshotTrigger.choices, default=SnapshotTrigger.MANUAL
    )
    status = models.CharField(
        max_length=20, choices=SnapshotStatus.choices, default=SnapshotStatus.QUEUED
    )
    stage = models.CharField(max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    as_of = models.DateField(
        null=True, blank=True, help_text="The period ends on this date, included."
    )
    parameters = models.JSONField(default=dict)
    timings = models.JSONField(default=dict, blank=True)
    sizes = models.JSONField(default=dict, blank=True)
    started = models.DateTimeField(null=True, blank=True)
    # Written when a worker claims the snapshot and at every stage: a running snapshot whose
    # heartbeat is older than the kind's lease (its worker died), or empty (handed back after
    # the database went away), is taken over (core.jobs).
    heartbeat = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        abstract = True
        constraints = [
            # Debounce: at most one automatic recompute waits in the queue at a time.
            models.UniqueConstraint(
                fields=["trigger"],
                condition=Q(trigger=SnapshotTrigger.AUTOMATIC, status=SnapshotStatus.QUEUED),
                name="%(app_label)s_%(class)s_one_queued_automatic",
            ),
        ]


Progress = Callable[[str, int], None]


def _no_progress(stage: str, percent: int) -> None:
    return None


_JOBS: list["SnapshotJob"] = []


def snapshot_jobs() -> list["SnapshotJob"]:
    """Every kind of snapshot (each registers when its app's services are imported, which
    Django does at start through the apps' signals)."""
    return list(_JOBS)


class SnapshotJob:
    """A kind of snapshot. A subclass names its model, task and settings, and writes
    ``parameters``, ``compute`` (read and compute, no writes) and ``store`` (write the
    result rows, inside the transaction that marks the snapshot done)."""

    model: type[Snapshot]
    task: str  # the task's name in core.queue
    lease_setting: str  # seconds without a heartbeat before another worker takes over
    delay_setting: str  # seconds an automatic recompute waits for more changes
    # The stages ``compute`` reports, in order: the progress shown while it runs.
    stages: tuple[str, ...] = ()

    def __init__(self):
        _JOBS.append(self)

    # --- what each kind says ---------------------------------------------------------------

    def parameters(self) -> dict:
        raise NotImplementedError

    def compute(self, snapshot: Snapshot, report: Callable[[str], None]) -> Any:
        raise NotImplementedError

    def store(self, snapshot: Snapshot, result: Any) -> None:
        raise NotImplementedError

    def after_store(self, snapshot: Snapshot) -> None:
        """After the commit (fresh planner statistics, say)."""

    # --- the shared pattern ------------------------------------------------------------------

    @property
    def lease_seconds(self) -> int:
        return getattr(settings, self.lease_setting)

    @property
    def delay(self) -> int:
        return getattr(settings, self.delay_setting)

    def request(
        self, *, requested_by=None, parameters: dict | None = None, **period
    ) -> tuple[Snapshot, bool]:
        """Queue a snapshot of ``period`` (``as_of``, and what else the kind's model scopes
        a snapshot by); the worker (or,
        without a broker, this process) builds it once the transaction commits. Returns the
        snapshot and whether it is new: one that asks the same and still waits is the
        answer instead. Two requests at the same instant may both queue one; both are
        built, which costs time and nothing else."""
        parameters = self.parameters() if parameters is None else parameters
        waiting = self.model.objects.filter(
            status=SnapshotStatus.QUEUED, trigger=SnapshotTrigger.MANUAL, **period
        ).order_by("pk")
        for snapshot in waiting:
            if snapshot.parameters == parameters:
                return snapshot, False
        snapshot = self.model.objects.create(
            trigger=SnapshotTrigger.MANUAL,
            requested_by=requested_by,
            parameters=parameters,
            **period,
        )
        enqueue(self.task, snapshot.pk)
        return snapshot, True

    def schedule(self) -> None:
        """After data changes: queue one automatic snapshot, ``delay`` seconds later.

        Changes arrive in bursts (checking people in, an import): one queued automatic
        snapshot absorbs every change until it starts. Without a broker (tasks run in
        this process) nothing is scheduled: the request would do the whole computation
        itself; recompute by command or API instead."""
        if settings.CELERY_TASK_ALWAYS_EAGER:
            return
        try:
            with transaction.atomic():
                snapshot = self.model.objects.create(
                    trigger=SnapshotTrigger.AUTOMATIC, parameters=self.parameters()
                )
        except IntegrityError:
            return  # one is already waiting and will see this change too
        enqueue(self.task, snapshot.pk, countdown=self.delay)

    def compute_now(self, *, parameters: dict | None = None, progress: Progress = _no_progress,
                    **period) -> Snapshot | None:  # fmt: skip
        """Build a snapshot here and now (commands, history back-fill)."""
        snapshot = self.model.objects.create(
            trigger=SnapshotTrigger.COMMAND,
            parameters=self.parameters() if parameters is None else parameters,
            **period,
        )
        return self.build(snapshot.pk, progress=progress)

    def claim(self, snapshot_id: int) -> bool:
        if not job_claim(self.model, snapshot_id, lease_seconds=self.lease_seconds):
            return False
        self.model.objects.filter(pk=snapshot_id).update(
            started=timezone.now(), stage="", progress=0
        )
        return True

    def build(self, snapshot_id: int, *, progress: Progress = _no_progress) -> Snapshot | None:
        """Compute and store a queued snapshot. Safe to call twice: the second call finds
        the snapshot claimed (or done) and returns None."""
        if not self.claim(snapshot_id):
            return None
        snapshot = self.model.objects.get(pk=snapshot_id)
        report = self._reporter(snapshot_id, progress)
        try:
            result = self.compute(snapshot, report)
            report("storing")
            with transaction.atomic():
                self.store(snapshot, result)
                snapshot.status = SnapshotStatus.DONE
                snapshot.stage = "done"
                snapshot.progress = 100
                snapshot.finished = timezone.now()
                snapshot.save(update_fields=["as_of", "status", "stage", "progress",
                                             "finished", "timings", "sizes"])  # fmt: skip
            self.after_store(snapshot)
            progress("done", 100)
        except Exception as error:
            logger.exception("%s #%s stopped", self.model.__name__, snapshot_id)
            # A lost database connection hands the snapshot back (JobInterrupted: the task
            # retries); anything else fails it.
            failed = {"status": SnapshotStatus.FAILED, "finished": timezone.now()}
            job_stopped(self.model, snapshot_id, error, failed=failed)
        return snapshot

    def _reporter(self, snapshot_id: int, progress: Progress) -> Callable[[str], None]:
        reached = [0]

        def report(stage: str) -> None:
            # Each stage is also a heartbeat: the lease runs from the last one.
            if stage in self.stages:
                index = self.stages.index(stage)
                reached[0] = max(reached[0], int(100 * index / len(self.stages)))
            self.model.objects.filter(pk=snapshot_id).update(
                stage=stage, progress=reached[0], heartbeat=timezone.now()
            )
            progress(stage, reached[0])

        return report

    def to_dispatch(self) -> list[int]:
        """Snapshots no worker is on (see ``core.jobs.jobs_to_dispatch``). A queued one is
        given its debounce delay and a minute more before the sweep sends it again."""
        return jobs_to_dispatch(
            self.model, lease_seconds=self.lease_seconds, queued_for=self.delay + 60
        )


def snapshot_select(
    model: type[Snapshot],
    *,
    snapshot_id: int | None = None,
    as_of: datetime.date | None = None,
    whole: Q | None = None,
) -> Snapshot | None:
    """The finished snapshot a read is about: the one asked for by id; else, among those of
    the whole installation (``whole``: e.g. not of one programme), the one whose period ends
    latest, on or before ``as_of`` when given.

    One meaning of "latest" for every kind: the period covered, not the time of computing,
    so a past period computed today (a history, a check) never replaces the present. "On
    or before" because snapshots are taken on some dates only: a question about any day is
    answered by the snapshot that was current then, never by a later one."""
    done = model.objects.filter(status=SnapshotStatus.DONE)
    if snapshot_id is not None:
        return done.filter(pk=snapshot_id).first()
    # A snapshot of every forum (no as_of) covers what was there the day it finished.
    chosen = done.filter(whole or Q()).annotate(ended=Coalesce("as_of", TruncDate("finished")))
    if as_of is not None:
        chosen = chosen.filter(ended__lte=as_of)
    return chosen.order_by("-ended", F("finished").desc(nulls_last=True), "-id").first()
