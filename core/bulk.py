"""Fast row insertion for generated and imported data, bypassing model instances.

PostgreSQL gets COPY (an order of magnitude faster than INSERT for millions of rows);
other databases get executemany in chunks. Rows are plain tuples in column order. Nothing
here validates: callers produce rows that satisfy the model's rules, and the database's
constraints reject any that do not.
"""

import math
from collections.abc import Iterable, Sequence
from itertools import islice

from django.db import connection

CHUNK = 5_000


def bulk_insert(table: str, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert ``rows`` into ``table``; returns the number of rows written."""
    quoted_table = connection.ops.quote_name(table)
    quoted_columns = ", ".join(connection.ops.quote_name(c) for c in columns)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {quoted_table} ({quoted_columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
            return written
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {quoted_table} ({quoted_columns}) VALUES ({placeholders})"
        iterator = iter(rows)
        while chunk := list(islice(iterator, CHUNK)):
            cursor.executemany(sql, chunk)
            written += len(chunk)
    return written


def analyse(*tables: str) -> None:
    """Refresh the planner's statistics after a large load.

    On PostgreSQL also VACUUM, which sets the visibility map so that counts can be answered
    from indexes alone; VACUUM cannot run inside a transaction, so a caller's transaction (a
    test, an enclosing import) gets ANALYZE only.
    """
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    command = "VACUUM ANALYZE" if vacuum else "ANALYZE"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{command} {connection.ops.quote_name(table)}")


def float_or_null(value) -> float | None:
    """A number for a database row: NaN (numpy's "no value") becomes NULL."""
    value = float(value)
    return None if math.isnan(value) else value
