"""Engagement recomputes: the snapshot id in, one service call."""

from celery import shared_task

from core.jobs import JobInterrupted
from engagement.services import engagement_snapshot_build


# As the network's: a build the database interrupted runs again soon, with backoff.
@shared_task(
    name="engagement.snapshot_build",
    autoretry_for=(JobInterrupted,),
    retry_backoff=1,
    retry_backoff_max=60,
    max_retries=30,
)
def engagement_snapshot_build_task(snapshot_id: int) -> dict:
    # The service claims the snapshot, so a duplicated or redelivered task does nothing.
    snapshot = engagement_snapshot_build(snapshot_id=snapshot_id)
    return {"snapshot": snapshot_id, "built": snapshot is not None}
