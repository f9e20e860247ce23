"""Recording a message as sent: one plain statement on a cursor the sender keeps open.

It runs once per message, and the ORM's update cost 0.5 ms of Python each time, a quarter
of a whole send (bench/outreach.py). It does what ``claims.outbox_outcome_write`` does for
a sent message: only on a row that still carries the sender's claim.
"""

import contextlib

from django.db import connection as db_connection
from django.utils import timezone

from ...models import OutboxMessage, OutboxStatus

_STATEMENTS: dict[str, str] = {}


def sent_statement() -> str:
    """The UPDATE for this database, written once per vendor."""
    vendor = db_connection.vendor
    if vendor not in _STATEMENTS:
        quote = db_connection.ops.quote_name
        column = {f.name: quote(f.column) for f in OutboxMessage._meta.concrete_fields}
        _STATEMENTS[vendor] = (
            f"UPDATE {quote(OutboxMessage._meta.db_table)} SET {column['status']} = %s,"
            f" {column['lease_until']} = NULL, {column['sent_at']} = %s,"
            f" {column['last_error']} = '', {column['email']} = %s"
            f" WHERE {column['id']} = %s AND {column['status']} = %s AND {column['claim']} = %s"
        )
    return _STATEMENTS[vendor]


class SentRecorder:
    """One per sender (its thread's own connection)."""

    def __init__(self):
        self.cursor = None

    def record(self, *, row_id: int, email: str, token: str) -> bool:
        """Mark the row sent to ``email``; False if the claim ``token`` no longer holds it."""
        if self.cursor is None:
            self.cursor = db_connection.cursor()
        self.cursor.execute(
            sent_statement(),
            [
                OutboxStatus.SENT.value,
                db_connection.ops.adapt_datetimefield_value(timezone.now()),
                email,
                row_id,
                OutboxStatus.SENDING.value,
                token,
            ],
        )
        return self.cursor.rowcount == 1

    def close(self) -> None:
        if self.cursor is not None:
            with contextlib.suppress(Exception):  # its connection may be gone
                self.cursor.close()
            self.cursor = None
