"""The Celery app. Task modules live beside this file and stay thin: ids in, one service call.

`make run` starts a worker and beat beside the server; with CELERY_BROKER_URL unset they meet
on the embedded broker of the local settings (files under var/broker), and `make worker` runs
them against Redis in production. Unit tests run tasks eagerly, in the calling process.
"""

import os

from celery import Celery
from celery.signals import worker_init

from tasks.health import Heartbeat

# As wsgi.py and asgi.py: a worker started without saying otherwise is a production worker,
# which refuses to start without its secrets. Development's settings (a public key, DEBUG)
# would sign every e-mail's links with a key the web server does not share. `make worker`
# chooses the local settings explicitly, as `manage.py` does.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery(
    "civicnet",
    include=[
        "tasks.diagnostics",
        "tasks.network",
        "tasks.engagement",
        "tasks.outreach",
        "tasks.snapshots",
    ],
)
app.config_from_object("django.conf:settings", namespace="CELERY")
# A heartbeat file while connected, and the sweeps sent on each (re)connection.
app.steps["consumer"].add(Heartbeat)


@worker_init.connect
def _load_url_patterns(**_kwargs):
    """Load the URL configuration before the first task, not during it: every e-mail's
    links are reversed from it, and importing it (with the API's modules) takes a while.
    A prefork pool's processes start from this loaded state."""
    from django.urls import reverse

    reverse("unsubscribe", args=["-"])
