"""Tasks that prove the plumbing works: the broker, a worker and the database it sees."""

from celery import shared_task
from django.db import connection


@shared_task(name="diagnostics.ping")
def ping() -> dict:
    """Answer with what the worker sees, so a health check can tell which database it uses."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"pong": True, "database": str(connection.settings_dict["NAME"])}
