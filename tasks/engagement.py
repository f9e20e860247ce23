"""Engagement recomputes: the snapshot id in, one service call."""

from celery import shared_task

from engagement.services import engagement_snapshot_build


@shared_task(name="engagement.snapshot_build")
def engagement_snapshot_build_task(snapshot_id: int) -> dict:
    # The service claims the snapshot, so a duplicated or redelivered task does nothing.
    snapshot = engagement_snapshot_build(snapshot_id=snapshot_id)
    return {"snapshot": snapshot_id, "built": snapshot is not None}
