"""Engagement recomputes: the snapshot id in, one service call."""

from celery import shared_task

from core.jobs import RETRY_WHEN_INTERRUPTED
from core.task_names import ENGAGEMENT_SNAPSHOT_BUILD
from engagement.services import engagement_snapshot_build


# A build the database interrupted was handed back: it runs again (core.jobs).
@shared_task(
    name=ENGAGEMENT_SNAPSHOT_BUILD,
    **RETRY_WHEN_INTERRUPTED,
)
def engagement_snapshot_build_task(snapshot_id: int) -> dict:
    # The service claims the snapshot, so a duplicated or redelivered task does nothing.
    snapshot = engagement_snapshot_build(snapshot_id=snapshot_id)
    return {"snapshot": snapshot_id, "built": snapshot is not None}
