"""A task's run over one mailing: a few sender threads, and rounds of them when the
database goes away and comes back."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connection as db_connection

from core.jobs import JobInterrupted, database_lost, database_wait

from ...messages import mailing_fields
from ...models import Mailing, MailingStatus
from ...rendering import compile_translation
from ..mailings import mailing_finish_if_done
from .rate_limit import RateLimiter
from .sender import Sender
from .stops import SendingHalted

# Rounds of sending in one task, each ended by a lost database: after that the task is
# retried later (tasks.outreach), and the sweep is there if that fails too.
_ROUNDS = 5


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


def _senders_count() -> int:
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


def _senders_for(mailing) -> list[Sender]:
    compiled = {t.language: compile_translation(t) for t in mailing.template.translations.all()}
    shared = mailing_fields(mailing)
    limiter = RateLimiter()
    halt = threading.Event()
    return [Sender(mailing, compiled, shared, limiter, halt=halt) for _ in range(_senders_count())]


def _sender_run(sender: Sender) -> None:
    try:
        sender.run()
    except Exception as error:
        if database_lost(error):
            # The task's other senders stop before their next acceptance too; the task
            # puts every sender's rows right once the database is back.
            sender.lost_database = error
            sender.halt.set()
        raise


def _sender_run_in_thread(sender: Sender) -> None:
    try:
        _sender_run(sender)
    finally:
        db_connection.close()  # this thread's own connection: nothing else closes it


def _senders_run(senders: list[Sender]) -> bool:
    """Run the senders until they are done; True if they stopped because the database
    went away (their rows are then put right by ``_senders_put_right``)."""
    if len(senders) == 1:
        try:
            _sender_run(senders[0])
        except Exception:
            if senders[0].lost_database is None:
                raise
        return senders[0].lost_database is not None
    errors = []
    with ThreadPoolExecutor(len(senders), thread_name_prefix="outbox-sender") as pool:
        for result in [pool.submit(_sender_run_in_thread, sender) for sender in senders]:
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


def _senders_put_right(senders: list[Sender]) -> None:
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


def _stats(stats: Counter, senders: list[Sender]) -> Counter:
    for sender in senders:
        stats.update(sender.stats)
        sender.stats = Counter()
    return stats
