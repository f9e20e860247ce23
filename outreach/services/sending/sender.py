"""One sender: a claim token, an SMTP session, and the rows it claims in turn."""

import logging
import random
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.utils import timezone

from ...exclusions import ExclusionFacts, exclusion_facts_read, exclusion_reason
from ...messages import message_build
from ...mime import message_serialise
from ...models import Mailing, MailingStatus, OutboxMessage, OutboxStatus, SuppressionReason
from ...smtp import content_abandon, content_end, content_send, envelope_send
from ..bounces import bounce_record
from .claims import (
    outbox_claim,
    outbox_claim_renew,
    outbox_outcome_write,
    outbox_outcome_write_late,
    outbox_requeue_expired,
    outbox_unstarted_return,
)
from .sent_record import SentRecorder
from .smtp_errors import PermanentError, smtp_error_sort, smtp_session_usable
from .stops import LostClaim, SendingHalted, SendNotRecorded

logger = logging.getLogger(__name__)

# Sender threads of one process take turns for the last step of a message: the server's
# acceptance and the commit that records it. So at most one message per process is ever
# accepted and not yet recorded, and a killed worker process sends at most one twice.
_ACCEPTANCE = threading.Lock()


class Sender:
    def __init__(self, mailing, compiled: dict, shared: dict, limiter, token="", halt=None):
        self.mailing, self.compiled, self.shared, self.limiter = mailing, compiled, shared, limiter
        self.token = token or uuid.uuid4().hex
        self.halt = halt or threading.Event()  # shared by the senders of one task
        self.stats: Counter = Counter()
        self.mail_backend = get_connection(fail_silently=False)
        # Django's SMTP backend exactly: a subclass may sign or log in its own _send.
        self.fast = type(self.mail_backend) is SMTPBackend
        self.recorder = SentRecorder()
        self.claimed_at = 0.0  # time.monotonic() of the current batch's claim or renewal
        # What to put right if the database goes away (see put_right): rows claimed whose
        # last line was never sent, outcomes known here but not written yet, and hard
        # bounces not counted yet.
        self.unstarted: set[int] = set()
        self.outcomes: dict[int, dict] = {}
        self.bounces: list[str] = []
        self.lost_database: BaseException | None = None  # set by the task's run (work)

    def run(self) -> Counter:
        """Claim a batch and send it, until nothing is left to claim now."""
        mailing_id = self.mailing.pk
        try:
            while not self.halt.is_set():
                outbox_requeue_expired(mailing_id=mailing_id)
                if not Mailing.objects.filter(pk=mailing_id, status=MailingStatus.SENDING).exists():
                    break  # cancelled meanwhile: leave the rest
                ids = outbox_claim(
                    mailing_id=mailing_id, size=settings.OUTREACH_BATCH, token=self.token
                )
                if not ids:
                    break
                self.unstarted.update(ids)
                rows = list(OutboxMessage.objects.filter(pk__in=ids).select_related("contact"))
                self.batch(rows, claimed_at=time.monotonic())
        finally:
            self.close()
        return self.stats

    def close(self) -> None:
        self.mail_backend.close()
        self.recorder.close()

    def settle(self, row_id: int, **values) -> None:
        """Write a row's outcome; if that fails, keep it for ``put_right``."""
        self.unstarted.discard(row_id)
        try:
            outbox_outcome_write(row_id=row_id, token=self.token, values=values)
        except Exception:
            self.outcomes[row_id] = values
            raise

    def put_right(self) -> None:
        """After the database came back: write the outcomes this sender knows, count its
        bounces, and hand back the rows it claimed and never started to end, for any
        sender to take now (``claims``)."""
        for row_id, values in list(self.outcomes.items()):
            outbox_outcome_write_late(row_id=row_id, token=self.token, values=values)
            del self.outcomes[row_id]
        while self.bounces:
            bounce_record(self.bounces[0])
            self.bounces.pop(0)
        if self.unstarted:
            outbox_unstarted_return(row_ids=self.unstarted, token=self.token)
            self.unstarted.clear()

    def batch(self, rows, claimed_at: float) -> None:
        """Send the rows this sender claimed at ``claimed_at`` (time.monotonic())."""
        self.claimed_at = claimed_at
        facts = _exclusion_facts(rows)
        checked = time.monotonic()
        mine = {row.pk for row in rows}
        for position, row in enumerate(rows):
            if self.halt.is_set():
                return  # another sender of this task failed; these rows wait for their lease
            self.limiter.wait(self.halt)
            if self.lease_half_gone():
                # Half the lease gone (a slow server, a rate limit): renew it, or learn
                # which rows were handed to another worker meanwhile. Until then they are
                # surely ours: nobody hands a row back before its lease ends.
                mine = outbox_claim_renew(row_ids=[r.pk for r in rows[position:]], token=self.token)
                self.claimed_at = time.monotonic()
            if time.monotonic() - checked > settings.OUTREACH_RECHECK_SECONDS:
                # A slow batch (rate limit, slow server): look at opt-outs, holds and a
                # cancel again, so none is older than a second or so when a message goes.
                if self.cancelled(rows[position:]):
                    return
                facts, checked = _exclusion_facts(rows[position:]), time.monotonic()
            # The address as it is now: a corrected address is used, not the one frozen.
            reason = exclusion_reason(
                facts,
                contact_id=row.contact_id,
                email=row.contact.email,
                purpose=self.mailing.purpose,
            )
            if reason is not None:
                self.settle(row.pk, status=OutboxStatus.SUPPRESSED, reason=reason)
                self.stats["suppressed"] += 1
                continue
            row.email = row.contact.email
            self.send(row, mine)

    def cancelled(self, rows) -> bool:
        """True if the mailing was cancelled meanwhile: ``rows`` are then suppressed."""
        if Mailing.objects.filter(pk=self.mailing.pk, status=MailingStatus.SENDING).exists():
            return False
        for row in rows:
            self.settle(row.pk, status=OutboxStatus.SUPPRESSED, reason=SuppressionReason.CANCELLED)
        return True

    def send(self, row, mine: set[int]) -> None:
        """Build one message and deliver it if the row is still this sender's."""
        try:
            message = message_build(row, self.mailing, self.compiled, self.shared)
            serialised = message_serialise(message) if self.fast else None
        except Exception as error:  # one bad row must not stall the mailing
            logger.exception("could not build outbox row %s", row.pk)
            self.settle(
                row.pk,
                status=OutboxStatus.FAILED,
                last_error=f"not built: {type(error).__name__}: {error}"[:900],
            )
            self.stats["failed"] += 1
            return
        try:
            if row.pk not in mine:
                raise LostClaim  # our lease ran out; another worker has it now
            self.deliver(row, message, serialised)
        except LostClaim:
            self.unstarted.discard(row.pk)
            self.stats["lost_claim"] += 1
        except OSError as error:  # smtplib's exceptions, timeouts, resets
            self.failed(row, error)
        except ValueError as error:  # an address Django's backend cannot write
            self.settle(row.pk, status=OutboxStatus.FAILED, last_error=f"{error}"[:900])
            self.stats["failed"] += 1
        else:
            self.stats["sent"] += 1

    def lease_half_gone(self) -> bool:
        return time.monotonic() - self.claimed_at > settings.OUTREACH_LEASE_SECONDS / 2

    def deliver(self, row, message, serialised) -> None:
        """Send one message and record it as sent."""
        backend = self.mail_backend
        # Opened here, not by send_messages: it would close a connection it opened itself
        # after every message, one SMTP session per e-mail.
        backend.open()
        if serialised is None:  # another backend, or a message of an unusual shape
            with _ACCEPTANCE:
                self.before_acceptance(row)
                self.unstarted.discard(row.pk)  # the backend may have it accepted from here on
                backend.send_messages([message])
                self.record_sent(row)
            return
        smtp = backend.connection
        envelope_send(smtp, serialised)
        content_send(smtp, serialised.data)
        with _ACCEPTANCE:
            try:
                self.before_acceptance(row)
            except BaseException:
                # Whatever stopped it (a halt, a lost claim, the database): drop the session
                # before the last line, and the server discards the message.
                content_abandon(smtp)
                backend.close()
                raise
            # From the last line on, the server may have the message: the row is never
            # handed back before its lease from here (put_right).
            self.unstarted.discard(row.pk)
            content_end(smtp)
            self.record_sent(row)

    def before_acceptance(self, row) -> None:
        """Last checks, holding the turn: the task may send no more, or the wait for the
        turn may have outlasted half the row's lease."""
        if self.halt.is_set():
            raise SendingHalted
        if self.lease_half_gone() and row.pk not in outbox_claim_renew(
            row_ids=[row.pk], token=self.token
        ):
            raise LostClaim
        # Renewed (or not yet half gone): more than half a lease is left, and the server's
        # reply is due within EMAIL_TIMEOUT, which is shorter.

    def record_sent(self, row) -> None:
        try:
            recorded = self.recorder.record(row_id=row.pk, email=row.email, token=self.token)
        except Exception as error:
            # Sent and not recorded. No other sender of this task may have a message
            # accepted after this one. The outcome is kept: if the database comes back
            # while this worker lives, put_right records it; else the row goes again
            # when its lease ends.
            self.halt.set()
            self.outcomes[row.pk] = {
                "status": OutboxStatus.SENT,
                "sent_at": timezone.now(),
                "email": row.email,
                "last_error": "",
            }
            raise SendNotRecorded(f"outbox row {row.pk}: {error}") from error
        if not recorded:
            logger.error("outbox row %s was sent after its claim was lost", row.pk)

    def failed(self, row, error) -> None:
        problem = smtp_error_sort(error)
        # Only SMTP backends have a connection.
        if not smtp_session_usable(error, getattr(self.mail_backend, "connection", None)):
            self.mail_backend.close()  # the next message opens a new session
        if isinstance(problem, PermanentError):
            # Counted even if the database goes away while the outcome is written: put_right
            # records the bounce then.
            self.bounces.append(row.email)
            self.settle(row.pk, status=OutboxStatus.FAILED, last_error=str(problem))
            bounce_record(row.email)
            self.bounces.remove(row.email)
            self.stats["failed"] += 1
        elif row.attempts >= settings.OUTREACH_MAX_ATTEMPTS:
            self.settle(row.pk, status=OutboxStatus.FAILED, last_error=str(problem))
            self.stats["failed"] += 1
        else:
            self.settle(
                row.pk,
                status=OutboxStatus.QUEUED,
                last_error=str(problem),
                not_before=timezone.now() + _backoff(row.attempts),
            )
            self.stats["retried"] += 1


def _exclusion_facts(rows) -> ExclusionFacts:
    """Consent and holds read again for a batch (at its start, and in a slow one every
    OUTREACH_RECHECK_SECONDS), for the contacts' current addresses."""
    return exclusion_facts_read(
        contact_ids=[row.contact_id for row in rows], emails=[row.contact.email for row in rows]
    )


def _backoff(attempts: int) -> timedelta:
    """Exponential backoff with full jitter, so retries from many rows spread out."""
    ceiling = settings.OUTREACH_RETRY_BASE_SECONDS * 2 ** min(attempts - 1, 10)
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))
