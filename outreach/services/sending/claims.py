"""The outbox rows a worker holds: claimed with a token and a lease, renewed, handed back,
and outcomes written only where the worker's claim still stands."""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from ...models import OutboxMessage, OutboxStatus, SuppressionReason

logger = logging.getLogger(__name__)


def outbox_requeue_expired(*, mailing_id: int | None = None) -> int:
    """Rows whose sender vanished (lease over, still "sending") go back to the queue."""
    expired = OutboxMessage.objects.filter(
        status=OutboxStatus.SENDING, lease_until__lt=timezone.now()
    )
    if mailing_id is not None:
        expired = expired.filter(mailing_id=mailing_id)
    return expired.update(status=OutboxStatus.QUEUED, lease_until=None)


def _lease_until():
    return timezone.now() + timedelta(seconds=settings.OUTREACH_LEASE_SECONDS)


def _claimable(mailing_id: int):
    return OutboxMessage.objects.filter(mailing_id=mailing_id, status=OutboxStatus.QUEUED).filter(
        Q(not_before__isnull=True) | Q(not_before__lte=timezone.now())
    )


def outbox_claim(*, mailing_id: int, size: int, token: str) -> list[int]:
    """Up to ``size`` queued rows of the mailing, now "sending" under ``token``."""
    claim = {
        "status": OutboxStatus.SENDING,
        "lease_until": _lease_until(),
        "claim": token,
        "attempts": F("attempts") + 1,
    }
    if db_connection.vendor == "postgresql":
        # Workers skip each other's locked rows instead of queueing behind them.
        with transaction.atomic():
            ids = list(
                _claimable(mailing_id)
                .select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:size]
            )
            OutboxMessage.objects.filter(pk__in=ids).update(**claim)
        return ids
    # Elsewhere, row by row: the conditional update tells which rows this worker won.
    ids = []
    for pk in _claimable(mailing_id).order_by("pk").values_list("pk", flat=True)[:size]:
        if OutboxMessage.objects.filter(pk=pk, status=OutboxStatus.QUEUED).update(**claim):
            ids.append(pk)
    return ids


def outbox_claim_renew(*, row_ids: Iterable[int], token: str) -> set[int]:
    """Extend this worker's lease on the rows it still holds; the others were handed back
    (its lease ran out) and may be another worker's now."""
    mine = OutboxMessage.objects.filter(
        pk__in=list(row_ids), status=OutboxStatus.SENDING, claim=token
    )
    mine.update(lease_until=_lease_until())
    return set(mine.values_list("pk", flat=True))


def outbox_outcome_write(*, row_id: int, token: str, values: dict) -> None:
    """Only on a row this worker still holds: never overwrite what another worker did."""
    OutboxMessage.objects.filter(pk=row_id, status=OutboxStatus.SENDING, claim=token).update(
        lease_until=None, **values
    )


def outbox_outcome_write_late(*, row_id: int, token: str, values: dict) -> None:
    """An outcome known while the database was away, written once it is back: to the row
    if this worker's claim still holds it, or if it went back to the queue when the lease
    ended and nobody has claimed it since.

    A message the server accepted is therefore recorded as sent, not sent again, unless
    the database stayed away longer than the lease and another worker took the row before
    it came back: then it goes again with the same Message-ID (the README's acceptance
    instant).
    """
    ours = OutboxMessage.objects.filter(pk=row_id, claim=token)
    writable = Q(status__in=[OutboxStatus.SENDING, OutboxStatus.QUEUED])
    sent = values["status"] == OutboxStatus.SENT
    if sent:
        # A cancel meanwhile suppressed the requeued row; the message went all the same,
        # and the record must say so.
        writable |= Q(status=OutboxStatus.SUPPRESSED, reason=SuppressionReason.CANCELLED)
    written = ours.filter(writable).update(lease_until=None, **values)
    if not written and sent and not ours.filter(status=OutboxStatus.SENT).exists():
        # (Already sent under our claim: the record committed and only its answer was
        # lost. Nothing to say then.)
        logger.error(
            "outbox row %s was accepted while the database was away and taken over "
            "before it came back: it may arrive twice",
            row_id,
        )


def outbox_unstarted_return(*, row_ids: Iterable[int], token: str) -> None:
    """Rows this worker claimed and never started to end go back to the queue at once,
    for any worker to take: the server has no copy of a message whose last line it never
    got, so they need not wait for their lease."""
    OutboxMessage.objects.filter(
        pk__in=list(row_ids), claim=token, status=OutboxStatus.SENDING
    ).update(
        status=OutboxStatus.QUEUED,
        lease_until=None,
        # The claim counted an attempt that never reached the server.
        attempts=Greatest(F("attempts") - 1, 0),
    )
