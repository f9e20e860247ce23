"""Outreach throughput: 10,000 recipients into a local SMTP sink.

Side by side in one run, on one machine, into the same aiosmtpd sink:
  - the limit: a bare smtplib loop on one connection sending the very same messages
    (built beforehand, so only the SMTP exchange is timed);
  - the product: a mailing of 10,000 consenting attendees sent by real Celery worker
    processes on the Redis broker, with everything a send does (row claims under lock,
    consent and hold re-checked at send time, rendering in the contact's language, signed
    unsubscribe links, one commit per message, which a process's sender threads take in
    turns): one worker of one process with a single sender thread (for comparison), one
    and two workers of one process each ("solo" pool), then one and two
    workers as `make worker` starts them (prefork, two processes each). One send task per
    process; each task runs OUTREACH_SENDERS sender threads (2 by default).

The bare loop runs first and again at the end; ratios are taken against the faster run.

Each product run starts its workers first and times from dispatch until the mailing is
done; the sink checks that every recipient got exactly one distinct message.

    .venv/bin/python bench/outreach.py [--recipients 10000] [--database-url URL]

Needs Redis (CELERY_BROKER_URL or redis://127.0.0.1:6379/14) and, by default, PostgreSQL
(worker processes share the database; SQLite would serialise them on its file lock).
"""

import argparse
import os
import smtplib
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def start_workers(
    count: int, broker: str, env: dict, queue: str, processes: int = 1
) -> list[subprocess.Popen]:
    """``count`` Celery workers; each one process ("solo" pool), or a prefork pool of
    ``processes`` as `make worker` runs it."""
    from celery import Celery

    log_dir = ROOT / "bench" / "results"
    log_dir.mkdir(parents=True, exist_ok=True)
    workers, names = [], []
    for index in range(count):
        name = f"{queue}-{index}"
        names.append(f"{name}@{os.uname().nodename}")
        command = [
            sys.executable, "-m", "celery", "-A", "tasks.celery", "worker", "--queues", queue,
            *(["--pool", "solo"] if processes == 1 else ["--concurrency", str(processes)]),
            "--loglevel", "WARNING", "--hostname", f"{name}@%h",
            "--without-gossip", "--without-mingle",
        ]  # fmt: skip
        with open(log_dir / f"outreach-{name}.log", "ab") as log:
            workers.append(
                subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            )
    client = Celery(broker=broker)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        replies = client.control.ping(destination=names, timeout=1)
        if len(replies) == count:
            return workers
    stop(workers)
    raise SystemExit(f"workers did not come up; see {log_dir}/outreach-{queue}-*.log")


def stop(workers):
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    from common import fresh_database, postgres_available

    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    elif postgres_available():
        os.environ["DATABASE_URL"] = fresh_database("civicnet_bench_outreach")
    else:
        raise SystemExit("PostgreSQL is not running: pass --database-url")
    broker = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/14"
    os.environ["DEBUG"] = "false"

    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings

    from crm.models import Consent, Contact, Forum, Language, Participation
    from outreach.audience import ForumAudience
    from outreach.messages import mailing_fields, message_build
    from outreach.models import Mailing, OutboxMessage
    from outreach.rendering import compile_translation
    from outreach.services.mailings import mailing_create, mailing_start, template_save
    from tests.smtp_server import SMTPSink

    size = args.recipients
    forum = Forum.objects.create(title="Bench plenary", date="2019-04-30", venue="KBTU")
    contacts = Contact.objects.bulk_create(
        (
            Contact(
                given_name=f"Айгерим{i}",
                family_name="Бенчева",
                email=f"bench{i}@example.org",
                language=Language.values[i % 3],
                search_key=f"bench{i}",
            )
            for i in range(size)
        ),
        batch_size=5_000,
    )
    Participation.objects.bulk_create(
        (Participation(contact=c, forum=forum, status="attended") for c in contacts),
        batch_size=5_000,
    )
    Consent.objects.bulk_create(
        (
            Consent(contact=c, purpose="forum_updates", granted=True, source="form")
            for c in contacts
        ),
        batch_size=5_000,
    )
    template = template_save(
        name="Bench thanks",
        purpose="forum_updates",
        translations=[
            {
                "language": language,
                "subject": "{{ forum.title }}: спасибо, {{ contact.given_name }}",
                "body_text": (
                    "{{ contact.full_name }}, thank you for coming to {{ forum.title }} on "
                    "{{ forum.date }} at {{ forum.venue }}.\n\nUnsubscribe: {{ unsubscribe_url }}"
                ),
                "body_html": "<p>{{ contact.full_name }}: {{ forum.title }}</p>"
                '<p><a href="{{ unsubscribe_url }}">unsubscribe</a></p>',
            }
            for language in Language.values
        ],
    )

    def new_mailing(label):
        with override_settings(OUTREACH_WORKERS_PER_MAILING=0):
            mailing = mailing_create(
                name=label,
                purpose="forum_updates",
                template=template,
                audience=ForumAudience(forum=forum.pk, statuses=("attended",)),
            )
            from django.db import transaction

            with transaction.atomic():
                return mailing_start(mailing=mailing)

    results = {}
    with SMTPSink() as sink:
        sink.handler.keep_messages = False
        worker_env = {
            **os.environ,
            "CELERY_BROKER_URL": broker,
            "CELERY_RESULT_BACKEND": broker,
            "EMAIL_URL": sink.url,
            "OUTREACH_RATE_PER_MINUTE": "0",
        }

        # The limit: the same messages, built first, sent by a bare loop on one connection.
        baseline = new_mailing("baseline")
        rows = list(
            OutboxMessage.objects.filter(mailing=baseline).select_related("contact").order_by("pk")
        )
        compiled = {
            t.language: compile_translation(t) for t in baseline.template.translations.all()
        }
        shared = mailing_fields(baseline)
        messages = [message_build(row, baseline, compiled, shared).message() for row in rows]
        payloads = [(m["To"], m.as_bytes(linesep="\r\n")) for m in messages]

        def bare_loop() -> float:
            before = sink.handler.deliveries
            started = time.perf_counter()
            with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
                for recipient, payload in payloads:
                    smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [recipient], payload)
            elapsed = time.perf_counter() - started
            assert sink.handler.deliveries - before == size, "the sink missed messages"
            return elapsed

        # Run first and again last: the machine is shared, and the faster of the two is
        # the limit every ratio is taken against.
        results["bare smtplib loop, first"] = (bare_loop(), size)
        Mailing.objects.filter(pk=baseline.pk).update(status="cancelled")

        senders = str(settings.OUTREACH_SENDERS)
        for workers_count, processes, threads, label in (
            (1, 1, "1", "1 worker, 1 process, 1 sender thread"),
            (1, 1, senders, "1 worker, 1 process"),
            (2, 1, senders, "2 workers, 1 process each"),
            (1, 2, senders, "1 worker (make worker: 2 processes)"),
            (2, 2, senders, "2 workers, 2 processes each"),
        ):
            queue = f"bench-{uuid.uuid4().hex[:8]}"
            env = {**worker_env, "OUTREACH_SENDERS": threads}
            workers = start_workers(workers_count, broker, env, queue, processes)
            try:
                mailing = new_mailing(label)
                distinct_before = sink.handler.distinct()
                from celery import Celery

                client = Celery(broker=broker)
                started = time.perf_counter()
                for _ in range(workers_count * processes):  # one task per process
                    client.send_task("outreach.outbox_work", args=[mailing.pk], queue=queue)
                while Mailing.objects.get(pk=mailing.pk).status != "done":
                    time.sleep(0.05)
                elapsed = time.perf_counter() - started
            finally:
                stop(workers)
            sent = OutboxMessage.objects.filter(mailing=mailing, status="sent").count()
            distinct = sink.handler.distinct() - distinct_before
            assert sent == size == distinct, f"sent {sent}, distinct at the sink {distinct}"
            results[label] = (elapsed, sent)
        results["bare smtplib loop, again"] = (bare_loop(), size)

    print(f"\n{size:,} recipients into an aiosmtpd sink on loopback ({os.cpu_count()} cores)")
    print(
        f"Each worker process runs {settings.OUTREACH_SENDERS} sender threads (OUTREACH_SENDERS)"
        " where the line does not say otherwise."
    )
    print(f"{'sender':<40}{'seconds':>10}{'msg/s':>10}{'vs bare':>10}")
    bare_rate = size / min(seconds for label, (seconds, _n) in results.items() if "bare" in label)
    for label, (seconds, count) in results.items():
        rate = count / seconds
        print(f"{label:<40}{seconds:>10.1f}{rate:>10.0f}{rate / bare_rate:>10.0%}")
    print("vs bare: against the faster of the two bare loops.")
    print("Every Celery message reached the sink exactly once (distinct Message-IDs = recipients).")


if __name__ == "__main__":
    main()
