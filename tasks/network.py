"""Network recomputes: the id in, one service call; everything else lives in network.services."""

from celery import shared_task

from core.jobs import JobInterrupted
from network.services import network_snapshot_build


# A build the database interrupted was handed back: run it again soon, with backoff (1 s,
# 2 s, 4 s... up to a minute). If every retry fails too, the sweep sends it again later.
@shared_task(
    name="network.snapshot_build",
    autoretry_for=(JobInterrupted,),
    retry_backoff=1,
    retry_backoff_max=60,
    max_retries=30,
)
def network_snapshot_build_task(snapshot_id: int) -> dict:
    # Claiming in the service makes a redelivered or duplicated task a no-op.
    snapshot = network_snapshot_build(snapshot_id=snapshot_id)
    return {"snapshot": snapshot_id, "built": snapshot is not None}
