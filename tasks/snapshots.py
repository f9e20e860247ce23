"""The sweep that keeps recomputes moving: snapshots nobody works on are sent out again."""

from celery import shared_task

from engagement.services import engagement_snapshots_to_dispatch
from network.services import network_snapshots_to_dispatch

from .engagement import engagement_snapshot_build_task
from .network import network_snapshot_build_task
from .outreach import _same_queue


@shared_task(name="snapshots.sweep", bind=True)
def snapshots_sweep_task(self) -> dict:
    """Every minute: queued snapshots whose task was lost (a broker that restarted empty),
    and running ones handed back after a database outage or left by a dead worker. A
    snapshot sent twice is built once: the build claims it first."""
    network = network_snapshots_to_dispatch()
    engagement = engagement_snapshots_to_dispatch()
    for snapshot_id in network:
        network_snapshot_build_task.apply_async((snapshot_id,), **_same_queue(self.request))
    for snapshot_id in engagement:
        engagement_snapshot_build_task.apply_async((snapshot_id,), **_same_queue(self.request))
    return {"network": network, "engagement": engagement}
