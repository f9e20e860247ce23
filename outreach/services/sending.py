"""The send loop: claim a few outbox rows, check consent again, send, record, repeat.

Exactly once, from the database:
- a row is claimed (queued -> sending) with a lease, by a conditional update, so two
  workers, a redelivered task or a retried task never hold the same row;
- each message is marked sent in its own commit right after the SMTP server accepted it;
  a worker killed between those two steps leaves the row "sending" until the lease
  expires, and it is then sent again with the same Message-ID: that instant is the only
  way a second delivery can happen;
- rows a dead worker had claimed but not sent go back to the queue when their lease ends;
- each claim has its own token. Nobody hands a row back before its lease ends, so within
  the first half of the lease the worker knows its rows are its own without asking; after
  that (a stalled SMTP server, a slow rate limit) it renews the lease on the rows it still
  holds and skips the others, which another worker may have taken. Results are recorded
  only on rows that carry the worker's token.
"""

import logging
import random
import smtplib
import time
import uuid
from collections import Counter
from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from crm.selectors.consent import consent_states

from ..models import (
    EmailHold,
    Mailing,
    MailingStatus,
    OutboxMessage,
    OutboxStatus,
    SuppressionReason,
)
from ..rendering import compile_translation, render
from ..tokens import invitation_token, unsubscribe_token

logger = logging.getLogger(__name__)


class TemporaryError(Exception):
    """The server said "not now" (4xx) or the connection broke: try again later."""


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
        self.redis = None
        if self.limit and settings.CELERY_BROKER_URL.startswith("redis"):
            import redis

            self.redis = redis.Redis.from_url(settings.CELERY_BROKER_URL)

    def wait(self) -> None:
        if not self.limit:
            return
        while True:
            minute = int(self.clock() // 60)
            if self.redis is not None:
                key = f"civicnet:outreach:rate:{minute}"
                used = self.redis.incr(key)
                self.redis.expire(key, 120)
            else:
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


def _public(path: str) -> str:
    return settings.OUTREACH_PUBLIC_URL.rstrip("/") + path


def _fields(mailing: Mailing) -> dict:
    context: dict = {}
    if mailing.forum_id:
        forum = mailing.forum
        context["forum"] = {
            "title": forum.title,
            "number": forum.number,
            "date": forum.date,
            "venue": forum.venue,
            "city": forum.city,
        }
    if mailing.working_group_id:
        group = mailing.working_group
        context["working_group"] = {"title": group.title, "theme": group.theme}
    return context


def message_build(row: OutboxMessage, mailing: Mailing, compiled: dict, shared: dict, connection):
    """The e-mail for one outbox row: its template in the recipient's language, its own
    Message-ID, and RFC 8058 one-click unsubscribe headers with a signed token."""
    contact = row.contact
    token = unsubscribe_token(contact_id=contact.pk, purpose=mailing.purpose, message_id=row.pk)
    unsubscribe_url = _public(reverse("unsubscribe", args=[token]))
    context = {
        **shared,
        "contact": {
            "given_name": contact.given_name,
            "family_name": contact.family_name,
            "full_name": contact.full_name,
            "email": row.email,
        },
        "unsubscribe_url": unsubscribe_url,
    }
    if row.invitation_id:
        for answer in ("accept", "decline"):
            answer_token = invitation_token(invitation_id=row.invitation_id, answer=answer)
            context[f"{answer}_url"] = _public(reverse("invitation-answer", args=[answer_token]))
    rendered = render(compiled[row.language], context)
    mailto = (
        f"mailto:{settings.OUTREACH_UNSUBSCRIBE_MAILBOX}?subject={quote('unsubscribe ' + token)}"
    )
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.email],
        connection=connection,
        headers={
            "Message-ID": row.message_id,
            "List-Unsubscribe": f"<{unsubscribe_url}>, <{mailto}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    if rendered.body_html:
        message.attach_alternative(rendered.body_html, "text/html")
    return message


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


def _mark(row_id: int, token: str, **values) -> None:
    # Only a row this worker still holds: never overwrite what another worker did.
    OutboxMessage.objects.filter(pk=row_id, status=OutboxStatus.SENDING, claim=token).update(
        lease_until=None, **values
    )


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


def outbox_work(*, mailing_id: int) -> dict:
    """Send a mailing's queued messages until none can be claimed now.

    Returns counts, and ``retry_in`` (seconds) when some rows wait for a backoff to end.
    Safe to run in several workers at once and to run twice.
    """
    mailing = Mailing.objects.select_related("template", "forum", "working_group").get(
        pk=mailing_id
    )
    if mailing.status != MailingStatus.SENDING:
        return {"status": mailing.status}
    compiled = {t.language: compile_translation(t) for t in mailing.template.translations.all()}
    shared = _fields(mailing)
    limiter = RateLimiter()
    stats: Counter = Counter()
    token = uuid.uuid4().hex
    connection = get_connection(fail_silently=False)
    try:
        while True:
            outbox_requeue_expired(mailing_id=mailing_id)
            if not Mailing.objects.filter(pk=mailing_id, status=MailingStatus.SENDING).exists():
                break  # cancelled meanwhile: leave the rest
            ids = _claim(mailing_id, settings.OUTREACH_BATCH, token)
            if not ids:
                break
            rows = list(OutboxMessage.objects.filter(pk__in=ids).select_related("contact"))
            claimed_at = time.monotonic()
            _send_batch(
                rows, mailing, compiled, shared, connection, limiter, token, stats, claimed_at
            )
    finally:
        connection.close()
    return {**stats, **mailing_finish_if_done(mailing_id)}


def _send_batch(
    rows, mailing, compiled, shared, connection, limiter, token, stats, claimed_at
) -> None:
    """Send the rows this worker claimed at ``claimed_at`` (time.monotonic())."""
    excluded = _send_time_exclusions(rows, mailing.purpose)
    checked = time.monotonic()
    mine = {row.pk for row in rows}
    for position, row in enumerate(rows):
        limiter.wait()
        if time.monotonic() - claimed_at > settings.OUTREACH_LEASE_SECONDS / 2:
            # Half the lease gone (a slow server, a rate limit): renew it, or learn which
            # rows were handed to another worker meanwhile. Until then they are surely
            # ours: nobody hands a row back before its lease ends.
            mine = _renew([r.pk for r in rows[position:]], token)
            claimed_at = time.monotonic()
        if time.monotonic() - checked > settings.OUTREACH_RECHECK_SECONDS:
            # A slow batch (rate limit, slow server): look at opt-outs, holds and a cancel
            # again, so none is older than a second or so when a message goes.
            rest = rows[position:]
            if not Mailing.objects.filter(pk=mailing.pk, status=MailingStatus.SENDING).exists():
                for left in rest:
                    _mark(
                        left.pk,
                        token,
                        status=OutboxStatus.SUPPRESSED,
                        reason=SuppressionReason.CANCELLED,
                    )
                return
            excluded = _send_time_exclusions(rest, mailing.purpose)
            checked = time.monotonic()
        if not row.contact.email:
            excluded[row.pk] = SuppressionReason.NO_EMAIL
        if row.pk in excluded:
            _mark(row.pk, token, status=OutboxStatus.SUPPRESSED, reason=excluded[row.pk])
            stats["suppressed"] += 1
            continue
        # The address as it is now: a corrected address is used, not the one frozen.
        row.email = row.contact.email
        try:
            message = message_build(row, mailing, compiled, shared, connection)
        except Exception as error:  # one bad row must not stall the mailing
            logger.exception("could not build outbox row %s", row.pk)
            _mark(
                row.pk,
                token,
                status=OutboxStatus.FAILED,
                last_error=f"not built: {type(error).__name__}: {error}"[:900],
            )
            stats["failed"] += 1
            continue
        if row.pk not in mine:
            stats["lost_claim"] += 1  # our lease ran out; another worker has it now
            continue
        try:
            # Opened here, not by send_messages: it would close a connection it opened
            # itself after every message, one SMTP session per e-mail.
            connection.open()
            connection.send_messages([message])
        except (TimeoutError, smtplib.SMTPException, OSError) as error:
            _failed(row, error, connection, token, stats)
            continue
        _mark(
            row.pk,
            token,
            status=OutboxStatus.SENT,
            sent_at=timezone.now(),
            last_error="",
            email=row.email,
        )
        stats["sent"] += 1


def _failed(row, error, connection, token, stats) -> None:
    problem = _classify(error)
    if isinstance(error, smtplib.SMTPServerDisconnected | OSError):
        connection.close()  # reopened on the next send
    if isinstance(problem, PermanentError):
        _mark(row.pk, token, status=OutboxStatus.FAILED, last_error=str(problem))
        bounce_record(row.email)
        stats["failed"] += 1
    elif row.attempts >= settings.OUTREACH_MAX_ATTEMPTS:
        _mark(row.pk, token, status=OutboxStatus.FAILED, last_error=str(problem))
        stats["failed"] += 1
    else:
        _mark(
            row.pk,
            token,
            status=OutboxStatus.QUEUED,
            last_error=str(problem),
            not_before=timezone.now() + _backoff(row.attempts),
        )
        stats["retried"] += 1


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
