"""Tasks that prove the plumbing works: the broker, a worker and the database it sees."""

from celery import shared_task

from core.diagnostics import database_seen
from core.task_names import DIAGNOSTICS_PING


@shared_task(name=DIAGNOSTICS_PING)
def ping() -> dict:
    """Answer with what the worker sees, so a health check can tell which database it uses."""
    return {"pong": True, "database": database_seen()}
