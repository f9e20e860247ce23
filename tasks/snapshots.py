"""The sweep that keeps recomputes moving: snapshots nobody works on are sent out again."""

from celery import shared_task

from core.snapshots import snapshot_jobs
from core.task_names import SNAPSHOTS_SWEEP

from .outreach import same_queue


@shared_task(name=SNAPSHOTS_SWEEP, bind=True)
def snapshots_sweep_task(self) -> dict:
    """Every minute, for every kind of snapshot (core.snapshots): queued snapshots whose
    task was lost (a broker that restarted empty), and running ones handed back after a
    database outage or left by a dead worker. A snapshot sent twice is built once: the
    build claims it first."""
    sent = {}
    for job in snapshot_jobs():
        sent[job.model._meta.app_label] = ids = job.to_dispatch()
        for snapshot_id in ids:
            self.app.tasks[job.task].apply_async((snapshot_id,), **same_queue(self.request))
    return sent
