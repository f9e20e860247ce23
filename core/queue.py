"""Work for the worker, asked for by the task's name.

Services say what should run after their transaction commits; they never import the task
modules (which import the services: a cycle). The Celery app in `tasks/` registers every
task under a stable name when Django starts (tasks.apps), so a name is all a service needs.
"""

from celery import current_app
from django.db import transaction

# The names the task modules register under (core.task_names): a typo fails at import.
from core.task_names import (  # noqa: F401 (what services ask for, named here)
    ENGAGEMENT_SNAPSHOT_BUILD,
    NETWORK_SNAPSHOT_BUILD,
    OUTBOX_WORK,
)


def enqueue(name: str, *args, countdown: float | None = None) -> None:
    """Send task `name` with `args` once the current transaction commits (at once outside one).

    robust: with the broker down the caller's request still succeeds; the periodic sweeps
    send what is waiting once it is back.
    """
    options = {"countdown": countdown} if countdown else {}

    def send():
        current_app.tasks[name].apply_async(args, **options)

    transaction.on_commit(send, robust=True)


def task_registered(name: str) -> bool:
    return name in current_app.tasks
