"""Exit 0 when this machine's Celery workers are alive and consuming, 1 otherwise.

For a container's HEALTHCHECK, a supervisor's check or a monitoring probe on the worker's
machine; it needs neither the database nor the broker (see tasks.health).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tasks.health import worker_heartbeats


class Command(BaseCommand):
    help = "Check the heartbeat files of the Celery workers on this machine."

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-age", type=float, default=None,
            help="seconds a heartbeat may be old (default: 3 x WORKER_HEARTBEAT_SECONDS)",
        )  # fmt: skip
        parser.add_argument("--worker", help="check only this worker (its node name)")

    def handle(self, *args, max_age=None, worker=None, **options):
        max_age = max_age or 3 * settings.WORKER_HEARTBEAT_SECONDS
        ages = worker_heartbeats()
        if worker is not None:
            ages = {name: age for name, age in ages.items() if name == worker}
        if not ages:
            raise CommandError(f"no worker heartbeat in {settings.WORKER_HEARTBEAT_DIR}")
        stale = []
        for name, age in ages.items():
            state = "ok" if age <= max_age else "STALE"
            self.stdout.write(f"{name}: last heartbeat {age:.0f} s ago ({state})")
            if age > max_age:
                stale.append(name)
        if stale:
            raise CommandError(
                f"no heartbeat for more than {max_age:g} s: {', '.join(stale)} "
                "(dead, hung, or waiting for the broker)"
            )
