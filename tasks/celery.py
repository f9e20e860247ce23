"""The Celery app. Task modules live beside this file and stay thin: ids in, one service call.

With CELERY_BROKER_URL empty (the default) tasks run eagerly in the calling process, so the
app works with no broker; `make worker` runs a real worker against Redis.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery(
    "civicnet", include=["tasks.diagnostics", "tasks.network", "tasks.engagement", "tasks.outreach"]
)
app.config_from_object("django.conf:settings", namespace="CELERY")
