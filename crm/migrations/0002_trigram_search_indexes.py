"""Trigram indexes for substring search on PostgreSQL (names in any script, e-mail).

Searches are ``LIKE '%term%'`` on the folded search key; without a trigram index that is a
scan of every contact. Other databases skip this migration. Creating the pg_trgm extension
needs a role allowed to create extensions; where it is not, the indexes are skipped with a
message and search still works, only slower.
"""

from django.db import migrations

INDEXES = [
    ("crm_contact_search_key_trgm", "crm_contact", "search_key"),
    ("crm_contact_email_trgm", "crm_contact", "email"),
    ("crm_organisation_search_key_trgm", "crm_organisation", "search_key"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            cursor.execute("SAVEPOINT trgm")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute("RELEASE SAVEPOINT trgm")
        except Exception as error:  # noqa: BLE001 - any refusal means: no trigram indexes
            cursor.execute("ROLLBACK TO SAVEPOINT trgm")
            print(f"\n  pg_trgm unavailable ({error}); substring search will scan the table.")
            return
        for name, table, column in INDEXES:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, _table, _column in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("crm", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
