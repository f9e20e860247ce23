"""What a worker sees of its services, for a health check that runs a task through it."""

from django.db import connection


def database_seen() -> str:
    """Ask the database something trivial and answer with its name: a worker pointed at
    the wrong database (or none) shows it at once."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return str(connection.settings_dict["NAME"])
