"""The send loop: claim a few outbox rows, check consent again, send, record, repeat.

Exactly once, from the database:
- a row is claimed (queued -> sending) with a lease, by a conditional update, so two
  workers, a redelivered task or a retried task never hold the same row;
- each message is marked sent in its own commit right after the SMTP server accepted it;
  a worker killed between those two steps leaves the row "sending" until the lease
  expires, and it is then sent again with the same Message-ID. That instant is how a second
  delivery can happen, with two more the README lists (a server's reply lost after the
  last line, and a database away for longer than the lease while another worker takes the
  row). A task runs a few sender threads (one builds while another waits on the network),
  and they take turns for that instant, so a killed process has at most one such message;
- rows a dead worker had claimed but not sent go back to the queue when their lease ends;
- a worker that loses the database keeps what it knows: when the database answers again
  (within seconds of a restart) it records the messages the server accepted meanwhile,
  writes the other outcomes it could not, and hands back at once the rows it had claimed
  and never started to end (a message whose last line was never sent cannot have been
  accepted). Then it carries on. See ``Sender.put_right``;
- each claim has its own token. Nobody hands a row back before its lease ends, so within
  the first half of the lease the worker knows its rows are its own without asking; after
  that (a stalled SMTP server, a slow rate limit) it renews the lease on the rows it still
  holds and skips the others, which another worker may have taken. Results are recorded
  only on rows that carry the worker's token.
"""

import contextlib
import logging
import random
import smtplib
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from core.jobs import JobInterrupted, database_lost, database_wait
from crm.selectors.consent import consent_states

from ..messages import mailing_fields, message_build
from ..mime import message_serialise
from ..models import (
    EmailHold,
    Mailing,
    MailingStatus,
    OutboxMessage,
    OutboxStatus,
    SuppressionReason,
)
from ..rendering import compile_translation
from ..smtp import content_abandon, content_end, content_send, envelope_send

logger = logging.getLogger(__name__)


class TemporaryError(Exception):
    """The server said "not now" (4xx) or the connection broke: try again later."""


class SendingHalted(Exception):
    """A sender of this task sent a message it could not record: the task's other senders
    stop before their next acceptance, so the task leaves at most that one unrecorded."""


class SendNotRecorded(Exception):
    """The server accepted a message and recording it failed: it goes again (same
    Message-ID) when its lease ends."""


class LostClaim(Exception):
    """The row's lease ran out while its sender waited: another worker may hold it now."""


class PermanentError(Exception):
    """The server refused for good (5xx): do not retry this row."""


def outbox_requeue_expired(*, mailing_id: int | None = None) -> int:
    """Rows whose sender vanished (lease over, still "sending") go back to the queue."""
    expired = OutboxMessage.objects.filter(
        status=OutboxStatus.SENDING, lease_until__lt=timezone.now()
    )
    if mailing_id is not None:
        expired = expired.filter(mailing_id=mailing_id)
    return expired.update(status=OutboxStatus.QUEUED, lease_until=None)


def _claimable(mailing_id: int):
    now = timezone.now()
    return OutboxMessage.objects.filter(mailing_id=mailing_id, status=OutboxStatus.QUEUED).filter(
        Q(not_before__isnull=True) | Q(not_before__lte=now)
    )


def _claim(mailing_id: int, size: int, token: str) -> list[int]:
    lease_until = timezone.now() + timedelta(seconds=settings.OUTREACH_LEASE_SECONDS)
    claim = {
        "status": OutboxStatus.SENDING,
        "lease_until": lease_until,
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


def _renew(row_ids: list[int], token: str) -> set[int]:
    """Extend this worker's lease on the rows it still holds; the others were handed back
    (our lease ran out) and may be another worker's now."""
    lease_until = timezone.now() + timedelta(seconds=settings.OUTREACH_LEASE_SECONDS)
    mine = OutboxMessage.objects.filter(pk__in=row_ids, status=OutboxStatus.SENDING, claim=token)
    mine.update(lease_until=lease_until)
    return set(mine.values_list("pk", flat=True))


class RateLimiter:
    """At most OUTREACH_RATE_PER_MINUTE messages a minute across all workers.

    With a Redis broker the count is shared (one counter per minute, INCR); without one it
    is this process's own.
    """

    def __init__(self, limit: int | None = None, clock=time.time, sleep=time.sleep):
        self.limit = settings.OUTREACH_RATE_PER_MINUTE if limit is None else limit
        self.clock, self.sleep = clock, sleep
        self.local = Counter()
        self.local_lock = threading.Lock()  # sender threads share one limiter
        self.redis = None
        if self.limit and settings.CELERY_BROKER_URL.startswith("redis"):
            import redis

            self.redis = redis.Redis.from_url(settings.CELERY_BROKER_URL)
            self.redis_errors = (redis.ConnectionError, redis.TimeoutError)

    def wait(self, halt: threading.Event | None = None) -> None:
        if not self.limit:
            return
        while True:
            if halt is not None and halt.is_set():
                raise SendingHalted  # another sender of the task stopped: stop waiting too
            minute = int(self.clock() // 60)
            if self.redis is not None:
                key = f"civicnet:outreach:rate:{minute}"
                try:
                    # One round trip: the key is created with its expiry, then counted, so
                    # a failure between two commands can neither count twice nor leave a
                    # key that never expires.
                    pipe = self.redis.pipeline()
                    pipe.set(key, 0, ex=120, nx=True)
                    pipe.incr(key)
                    used = pipe.execute()[-1]
                except self.redis_errors as error:
                    # The shared count is unknown while Redis is away: wait for it rather
                    # than exceed the limit (the row's lease is renewed after the wait).
                    logger.warning("rate limit: Redis unavailable (%s); waiting", error)
                    self.sleep(1.0)
                    continue
            else:
                with self.local_lock:
                    self.local[minute] += 1
                    used = self.local[minute]
            if used <= self.limit:
                return
            self.sleep(max(0.05, 60 - self.clock() % 60))


def _classify(error: Exception) -> Exception:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        if codes and min(codes) >= 500:
            return PermanentError(f"{codes[0]} recipient refused")
        return TemporaryError(f"{codes[0] if codes else '?'} recipient refused")
    if isinstance(error, smtplib.SMTPResponseException):
        text = f"{error.smtp_code} {error.smtp_error!r}"[:900]
        return PermanentError(text) if error.smtp_code >= 500 else TemporaryError(text)
    return TemporaryError(f"{type(error).__name__}: {error}"[:900])


def _backoff(attempts: int) -> timedelta:
    """Exponential backoff with full jitter, so retries from many rows spread out."""
    ceiling = settings.OUTREACH_RETRY_BASE_SECONDS * 2 ** min(attempts - 1, 10)
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))


def _send_time_exclusions(rows, purpose: str) -> dict[int, str]:
    """Consent and holds checked again just before sending (an opt-out may have arrived
    after the audience was frozen). Two queries per batch."""
    states = consent_states(row.contact_id for row in rows)
    held = set(
        EmailHold.objects.filter(email__in=[r.email for r in rows], held=True).values_list(
            "email", flat=True
        )
    )
    reasons = {}
    for row in rows:
        state = states[row.contact_id][purpose]
        if state is None:
            reasons[row.pk] = SuppressionReason.NO_CONSENT
        elif state is False:
            reasons[row.pk] = SuppressionReason.OPTED_OUT
        elif row.email in held:
            reasons[row.pk] = SuppressionReason.ON_HOLD
    return reasons


# Sender threads of one process take turns for the last step of a message: the server's
# acceptance and the commit that records it. So at most one message per process is ever
# accepted and not yet recorded, and a killed worker process sends at most one twice.
_ACCEPTANCE = threading.Lock()


def _senders() -> int:
    """Sender threads for one task. Each has its own SMTP session and database connection;
    while one waits for the server or the database, another builds its next message."""
    if (
        settings.OUTREACH_SENDERS <= 1
        # The caller's uncommitted rows are visible to its own connection only.
        or db_connection.in_atomic_block
        # SQLite has one writer at a time: threads would only queue on its lock.
        or db_connection.vendor == "sqlite"
    ):
        return 1
    return settings.OUTREACH_SENDERS


def outbox_work(*, mailing_id: int) -> dict:
    """Send a mailing's queued messages until none can be claimed now.

    Returns counts, and ``retry_in`` (seconds) when some rows wait for a backoff to end.
    Safe to run in several workers at once and to run twice. When the database goes away
    the senders stop; once it answers again their rows are put right and sending goes on
    (``JobInterrupted`` if it does not come back, or goes away too often).
    """
    stats: Counter = Counter()
    interrupted = None
    for _round in range(_ROUNDS):
        senders: list[Sender] = []
        try:
            mailing = Mailing.objects.select_related("template", "forum", "working_group").get(
                pk=mailing_id
            )
            if mailing.status != MailingStatus.SENDING:
                return {**stats, "status": mailing.status}
            senders = _senders_for(mailing)
            if not _senders_run(senders):
                return {**_stats(stats, senders), **mailing_finish_if_done(mailing_id)}
        except Exception as error:
            if not database_lost(error):
                raise
            interrupted = error
        _stats(stats, senders)
        stats["database_lost"] += 1
        _senders_put_right(senders)
    raise JobInterrupted(f"the database went away {_ROUNDS} times: {interrupted}")


# Rounds of sending in one task, each ended by a lost database: after that the task is
# retried later (tasks.outreach), and the sweep is there if that fails too.
_ROUNDS = 5


def _senders_for(mailing) -> list["Sender"]:
    compiled = {t.language: compile_translation(t) for t in mailing.template.translations.all()}
    shared = mailing_fields(mailing)
    limiter = RateLimiter()
    halt = threading.Event()
    return [Sender(mailing, compiled, shared, limiter, halt=halt) for _ in range(_senders())]


def _senders_run(senders: list["Sender"]) -> bool:
    """Run the senders until they are done; True if they stopped because the database
    went away (their rows are then put right by ``_senders_put_right``)."""
    if len(senders) == 1:
        try:
            senders[0].run()
        except Exception:
            if senders[0].lost_database is None:
                raise
        return senders[0].lost_database is not None
    errors = []
    with ThreadPoolExecutor(len(senders), thread_name_prefix="outbox-sender") as pool:
        for result in [pool.submit(sender.run_in_thread) for sender in senders]:
            try:
                result.result()
            except SendingHalted:
                pass  # stopped because of another sender's error, raised below
            except Exception as error:
                errors.append(error)
    if any(sender.lost_database is not None for sender in senders):
        return True
    if errors:
        raise errors[0]
    if senders[0].halt.is_set():
        raise SendingHalted
    return False


def _senders_put_right(senders: list["Sender"]) -> None:
    """After the database went away: wait for it, then write what each sender knows."""
    for _attempt in range(3):
        if not database_wait():
            raise JobInterrupted("the database did not come back; leases will hand rows on")
        try:
            for sender in senders:
                sender.put_right()
            return
        except Exception as error:
            if not database_lost(error):
                raise
    raise JobInterrupted("the database kept going away while outbox rows were put right")


def _stats(stats: Counter, senders: list["Sender"]) -> Counter:
    for sender in senders:
        stats.update(sender.stats)
        sender.stats = Counter()
    return stats


class Sender:
    """One sender: a claim token, an SMTP session, and the rows it claims in turn."""

    def __init__(self, mailing, compiled: dict, shared: dict, limiter, token="", halt=None):
        self.mailing, self.compiled, self.shared, self.limiter = mailing, compiled, shared, limiter
        self.token = token or uuid.uuid4().hex
        self.halt = halt or threading.Event()  # shared by the senders of one task
        self.stats: Counter = Counter()
        self.mail_backend = get_connection(fail_silently=False)
        # Django's SMTP backend exactly: a subclass may sign or log in its own _send.
        self.fast = type(self.mail_backend) is SMTPBackend
        self.cursor = None  # for the statement that records a message as sent
        self.claimed_at = 0.0  # time.monotonic() of the current batch's claim or renewal
        # What to put right if the database goes away (see put_right): rows claimed whose
        # last line was never sent, outcomes known here but not written yet, and hard
        # bounces not counted yet.
        self.unstarted: set[int] = set()
        self.outcomes: dict[int, dict] = {}
        self.bounces: list[str] = []
        self.lost_database: BaseException | None = None

    def run(self) -> Counter:
        """Claim a batch and send it, until nothing is left to claim now."""
        mailing_id = self.mailing.pk
        try:
            while not self.halt.is_set():
                outbox_requeue_expired(mailing_id=mailing_id)
                if not Mailing.objects.filter(pk=mailing_id, status=MailingStatus.SENDING).exists():
                    break  # cancelled meanwhile: leave the rest
                ids = _claim(mailing_id, settings.OUTREACH_BATCH, self.token)
                if not ids:
                    break
                self.unstarted.update(ids)
                rows = list(OutboxMessage.objects.filter(pk__in=ids).select_related("contact"))
                self.batch(rows, claimed_at=time.monotonic())
        except Exception as error:
            if database_lost(error):
                # The task's other senders stop before their next acceptance too; the
                # task puts every sender's rows right once the database is back.
                self.lost_database = error
                self.halt.set()
            raise
        finally:
            self.close()
        return self.stats

    def run_in_thread(self) -> Counter:
        try:
            return self.run()
        finally:
            db_connection.close()  # this thread's own connection: nothing else closes it

    def close(self) -> None:
        self.mail_backend.close()
        if self.cursor is not None:
            with contextlib.suppress(Exception):  # its connection may be gone
                self.cursor.close()
            self.cursor = None

    def settle(self, row_id: int, **values) -> None:
        """Write a row's outcome (``_mark``); if that fails, keep it for ``put_right``."""
        self.unstarted.discard(row_id)
        try:
            _mark(row_id, self.token, **values)
        except Exception:
            self.outcomes[row_id] = values
            raise

    def put_right(self) -> None:
        """After the database came back: write the outcomes this sender knows, and hand
        back the rows it claimed and never started to end, for any sender to take now.

        The outcomes are written to rows this sender's claim still holds, or that went
        back to the queue when the lease ended and nobody has claimed since. A message
        the server accepted is therefore recorded as sent, not sent again, unless the
        database stayed away longer than the lease and another worker took the row
        before it came back: then it goes again with the same Message-ID (the README's
        acceptance instant). An unstarted row never reached its last line, so the server
        has no copy of it and it can go at once, without waiting for its lease.
        """
        for row_id, values in list(self.outcomes.items()):
            ours = OutboxMessage.objects.filter(pk=row_id, claim=self.token)
            writable = Q(status__in=[OutboxStatus.SENDING, OutboxStatus.QUEUED])
            sent = values["status"] == OutboxStatus.SENT
            if sent:
                # A cancel meanwhile suppressed the requeued row; the message went all the
                # same, and the record must say so.
                writable |= Q(status=OutboxStatus.SUPPRESSED, reason=SuppressionReason.CANCELLED)
            written = ours.filter(writable).update(lease_until=None, **values)
            if not written and sent and not ours.filter(status=OutboxStatus.SENT).exists():
                # (Already sent under our claim: the record committed and only its answer
                # was lost. Nothing to say then.)
                logger.error(
                    "outbox row %s was accepted while the database was away and taken over "
                    "before it came back: it may arrive twice",
                    row_id,
                )
            del self.outcomes[row_id]
        while self.bounces:
            bounce_record(self.bounces[0])
            self.bounces.pop(0)
        if self.unstarted:
            OutboxMessage.objects.filter(
                pk__in=self.unstarted, claim=self.token, status=OutboxStatus.SENDING
            ).update(
                status=OutboxStatus.QUEUED,
                lease_until=None,
                # The claim counted an attempt that never reached the server.
                attempts=Greatest(F("attempts") - 1, 0),
            )
            self.unstarted.clear()

    def batch(self, rows, claimed_at: float) -> None:
        """Send the rows this sender claimed at ``claimed_at`` (time.monotonic())."""
        purpose, token, stats = self.mailing.purpose, self.token, self.stats
        self.claimed_at = claimed_at
        excluded = _send_time_exclusions(rows, purpose)
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
                mine = _renew([r.pk for r in rows[position:]], token)
                self.claimed_at = time.monotonic()
            if time.monotonic() - checked > settings.OUTREACH_RECHECK_SECONDS:
                # A slow batch (rate limit, slow server): look at opt-outs, holds and a
                # cancel again, so none is older than a second or so when a message goes.
                rest = rows[position:]
                if not Mailing.objects.filter(
                    pk=self.mailing.pk, status=MailingStatus.SENDING
                ).exists():
                    for left in rest:
                        self.settle(
                            left.pk,
                            status=OutboxStatus.SUPPRESSED,
                            reason=SuppressionReason.CANCELLED,
                        )
                    return
                excluded = _send_time_exclusions(rest, purpose)
                checked = time.monotonic()
            if not row.contact.email:
                excluded[row.pk] = SuppressionReason.NO_EMAIL
            if row.pk in excluded:
                self.settle(row.pk, status=OutboxStatus.SUPPRESSED, reason=excluded[row.pk])
                stats["suppressed"] += 1
                continue
            # The address as it is now: a corrected address is used, not the one frozen.
            row.email = row.contact.email
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
                stats["failed"] += 1
                continue
            if row.pk not in mine:
                self.unstarted.discard(row.pk)
                stats["lost_claim"] += 1  # our lease ran out; another worker has it now
                continue
            try:
                self.deliver(row, message, serialised)
            except LostClaim:
                self.unstarted.discard(row.pk)
                stats["lost_claim"] += 1
                continue
            except OSError as error:  # smtplib's exceptions, timeouts, resets
                self.failed(row, error)
                continue
            except ValueError as error:  # an address Django's backend cannot write
                self.settle(row.pk, status=OutboxStatus.FAILED, last_error=f"{error}"[:900])
                stats["failed"] += 1
                continue
            stats["sent"] += 1

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
        if self.lease_half_gone() and row.pk not in _renew([row.pk], self.token):
            raise LostClaim
        # Renewed (or not yet half gone): more than half a lease is left, and the server's
        # reply is due within EMAIL_TIMEOUT, which is shorter.

    def record_sent(self, row) -> None:
        """``_mark(status=SENT, ...)`` as one plain statement on a cursor kept open: it
        runs once per message, and the ORM's update cost 0.5 ms of Python each time, a
        quarter of a whole send (bench/outreach.py)."""
        try:
            if self.cursor is None:
                self.cursor = db_connection.cursor()
            self.cursor.execute(
                _sent_statement(),
                [
                    OutboxStatus.SENT.value,
                    db_connection.ops.adapt_datetimefield_value(timezone.now()),
                    row.email,
                    row.pk,
                    OutboxStatus.SENDING.value,
                    self.token,
                ],
            )
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
        if self.cursor.rowcount != 1:
            logger.error("outbox row %s was sent after its claim was lost", row.pk)

    def failed(self, row, error) -> None:
        problem = _classify(error)
        smtp = getattr(self.mail_backend, "connection", None)  # only SMTP backends have one
        answered = isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)
        if not answered or smtp is None or smtp.sock is None:
            # The session is gone or in an unknown state: the next message opens a new one.
            # After a plain refusal (a 550 for one address) it is ready for the next.
            self.mail_backend.close()
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


def _mark(row_id: int, token: str, **values) -> None:
    # Only a row this worker still holds: never overwrite what another worker did.
    OutboxMessage.objects.filter(pk=row_id, status=OutboxStatus.SENDING, claim=token).update(
        lease_until=None, **values
    )


_SENT_STATEMENTS: dict[str, str] = {}


def _sent_statement() -> str:
    vendor = db_connection.vendor
    if vendor not in _SENT_STATEMENTS:
        quote = db_connection.ops.quote_name
        column = {f.name: quote(f.column) for f in OutboxMessage._meta.concrete_fields}
        _SENT_STATEMENTS[vendor] = (
            f"UPDATE {quote(OutboxMessage._meta.db_table)} SET {column['status']} = %s,"
            f" {column['lease_until']} = NULL, {column['sent_at']} = %s,"
            f" {column['last_error']} = '', {column['email']} = %s"
            f" WHERE {column['id']} = %s AND {column['status']} = %s AND {column['claim']} = %s"
        )
    return _SENT_STATEMENTS[vendor]


def bounce_record(email: str, *, complaint: bool = False) -> EmailHold:
    """Count a hard bounce (or complaint); enough of them put the address on hold."""
    with transaction.atomic():
        hold, _created = EmailHold.objects.select_for_update().get_or_create(email=email)
        if complaint:
            hold.complaints += 1
            hold.held = True
        else:
            hold.hard_bounces += 1
            hold.held = hold.held or hold.hard_bounces >= settings.OUTREACH_HOLD_AFTER_BOUNCES
        hold.last_event = timezone.now()
        hold.save()
    return hold


def mailing_finish_if_done(mailing_id: int) -> dict:
    """Done when nothing is queued or in flight; else say when the next retry is due."""
    pending = OutboxMessage.objects.filter(
        mailing_id=mailing_id, status__in=[OutboxStatus.QUEUED, OutboxStatus.SENDING]
    )
    if not pending.exists():
        Mailing.objects.filter(pk=mailing_id, status=MailingStatus.SENDING).update(
            status=MailingStatus.DONE, finished=timezone.now()
        )
        return {"done": True}
    waiting = pending.filter(status=OutboxStatus.QUEUED).order_by("not_before").first()
    if waiting is not None and waiting.not_before:
        return {"retry_in": max(1.0, (waiting.not_before - timezone.now()).total_seconds())}
    return {}
