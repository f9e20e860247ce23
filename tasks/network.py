"""Network recomputes: the id in, one service call; everything else lives in network.services."""

from celery import shared_task

from core.jobs import RETRY_WHEN_INTERRUPTED
from core.task_names import NETWORK_SNAPSHOT_BUILD
from network.services import network_snapshot_build


# A build the database interrupted was handed back: it runs again (core.jobs).
@shared_task(
    name=NETWORK_SNAPSHOT_BUILD,
    **RETRY_WHEN_INTERRUPTED,
)
def network_snapshot_build_task(snapshot_id: int) -> dict:
    # Claiming in the service makes a redelivered or duplicated task a no-op.
    snapshot = network_snapshot_build(snapshot_id=snapshot_id)
    return {"snapshot": snapshot_id, "built": snapshot is not None}
