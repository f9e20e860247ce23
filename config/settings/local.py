"""Development: `make run` uses these. Debug on, a throwaway key, localhost only, and an
embedded broker so that tasks leave the web request as they do in production."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, CELERY_BROKER_URL, INSTALLED_APPS, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"  # noqa: F405
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# runserver leaves static files to WhiteNoise, as in production (it must come before
# django.contrib.staticfiles, whose runserver it replaces).
INSTALLED_APPS = ["whitenoise.runserver_nostatic", *INSTALLED_APPS]
STORAGES = {
    **STORAGES,  # noqa: F405
    # The manifest storage needs collectstatic first; development serves files as they are.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- The embedded broker ---------------------------------------------------------------------
# With no CELERY_BROKER_URL, tasks still go to a worker: `make run` starts one, with beat,
# beside the server (scripts/run.conf), and they meet in kombu's filesystem transport, one
# file a message under EMBEDDED_BROKER_DIR. So "Recompute" and "Send now" answer at once,
# progress moves, and changes are followed by their debounced recomputes, as in production.
# Chosen over kombu's SQLAlchemy transport on an SQLite file: nothing to install (it would
# add SQLAlchemy), no second writer contending for SQLite's one write lock beside the app's
# own database, and fanout, so `celery inspect ping` reaches the worker (kombu's SQLAlchemy
# transport has none). Both are for one machine; production uses Redis.
# A task a killed worker held is lost here (a worker stopped with Ctrl-C puts its unfinished
# and waiting tasks back): the minute's sweeps send the work again from the database.
if not CELERY_BROKER_URL:
    EMBEDDED_BROKER_DIR = Path(
        env.str("EMBEDDED_BROKER_DIR", default=str(BASE_DIR / "var" / "broker"))
    )
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_TASK_ALWAYS_EAGER = False
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # One folder both ways: every process writes where the worker reads.
        "data_folder_in": str(EMBEDDED_BROKER_DIR / "messages"),
        "data_folder_out": str(EMBEDDED_BROKER_DIR / "messages"),
        # Which queues each exchange reaches, shared by every process.
        "control_folder": str(EMBEDDED_BROKER_DIR / "control"),
        # How often the worker looks for new files (kombu's default is a second).
        "polling_interval": 0.5,
    }
    # The transport writes into these folders but does not create them.
    for _folder in ("messages", "control"):
        (EMBEDDED_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
