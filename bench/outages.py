"""Broker outages during sends: does the worker outlive them, and does every message go once?

Runs `make worker` (the supervisor, a Celery worker and beat) against a private Redis
started here, the machine's PostgreSQL (a database of its own) and an SMTP sink on
loopback. For each outage: a mailing starts, and when about a third of it has gone out,
Redis is killed (nothing saved: it comes back empty, every queued task lost), left down
for ``--down`` seconds and started again. The mailing must then finish, every recipient
with exactly one distinct message. After the last outage one more mailing must go out.

Printed: outages the worker outlived, messages sent and expected, duplicates (deliveries
beyond one per Message-ID), worker and beat restarts by the supervisor, and per outage the
time from Redis's return to the next delivery and to the mailing's end.

    .venv/bin/python bench/outages.py [--outages 10] [--down 10] [--recipients 2000]
        [--reply-delay 0.02] [--command "make worker"]

``--command`` runs another worker command instead, e.g. the one `make worker` used before
it had a supervisor: ``.venv/bin/celery -A tasks.celery worker --beat --concurrency 2``.
"""

import argparse
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--outages", type=int, default=10)
    parser.add_argument("--down", type=float, default=10.0, help="seconds Redis stays down")
    parser.add_argument("--recipients", type=int, default=2000, help="per mailing")
    parser.add_argument("--reply-delay", type=float, default=0.02,
                        help="the sink's delay before each 250 (paces the mailing)")  # fmt: skip
    # -o install: use the environment as it is, without reinstalling it first.
    parser.add_argument("--command", default="make --no-print-directory -o install worker")
    parser.add_argument("--timeout", type=float, default=300, help="per mailing, seconds")
    args = parser.parse_args()
    from common import RESULTS, fresh_database, postgres_available

    if not postgres_available():
        raise SystemExit("PostgreSQL is not running on 127.0.0.1:5432")
    os.environ["DATABASE_URL"] = fresh_database("civicnet_bench_outages")
    os.environ["DEBUG"] = "false"

    from tests.private_services import PrivateRedis, terminate
    from tests.smtp_server import SMTPSink

    redis_server = PrivateRedis()
    redis_server.start()
    broker = redis_server.url(0)
    # This process only queues work: its tasks go to the broker, never run here.
    os.environ["CELERY_BROKER_URL"] = os.environ["CELERY_RESULT_BACKEND"] = broker

    import django

    django.setup()
    from outreach.models import Mailing, OutboxMessage

    forum, template = audience_and_template(args.recipients)
    RESULTS.mkdir(parents=True, exist_ok=True)
    log_path = RESULTS / "outages-worker.log"
    run_dir = RESULTS / "outages-run"
    run_dir.mkdir(exist_ok=True)
    with SMTPSink() as sink, open(log_path, "wb") as log:
        sink.handler.keep_messages = False
        sink.handler.reply_delay = args.reply_delay
        env = {
            **os.environ,
            "CELERY_BROKER_URL": broker,
            "CELERY_RESULT_BACKEND": broker,
            "EMAIL_URL": sink.url,
            "WORKER_RUN_DIR": str(run_dir),
            "LOG_LEVEL": "WARNING",
        }
        worker = subprocess.Popen(
            shlex.split(args.command), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as one at the end
        )  # fmt: skip
        supervised = "make worker" in args.command
        rows = []
        try:
            first = wait_for_pids(run_dir, supervised, worker)
            pids = dict(first)
            restarts = {"worker": 0, "beat": 0}
            for number in range(1, args.outages + 1):
                mailing = start_mailing(forum, template, f"Outage {number}")
                third = sink.handler.deliveries + args.recipients // 3
                if not wait(lambda third=third: sink.handler.deliveries >= third, args.timeout):
                    rows.append({"number": number, "error": "the mailing did not start"})
                    break
                redis_server.stop()
                time.sleep(args.down)
                redis_server.start()
                back = time.monotonic()
                at_return = sink.handler.deliveries
                next_delivery = None
                done = None
                while time.monotonic() - back < args.timeout:
                    if next_delivery is None and sink.handler.deliveries > at_return:
                        next_delivery = time.monotonic() - back
                    if Mailing.objects.get(pk=mailing.pk).status == "done":
                        done = time.monotonic() - back
                        break
                    if worker.poll() is not None:
                        break
                    time.sleep(0.1)
                now = current_pids(run_dir, supervised, worker)
                for name in restarts:
                    if now.get(name) != pids.get(name):
                        restarts[name] += 1
                pids = now
                rows.append({
                    "number": number,
                    "alive": worker.poll() is None,
                    "next_delivery": next_delivery,
                    "done": done,
                    "sent": OutboxMessage.objects.filter(mailing=mailing, status="sent").count(),
                })  # fmt: skip
                if worker.poll() is not None:
                    break
            # The next mailing, with Redis up all along, must go out too.
            last = start_mailing(forum, template, "After the outages")
            started = time.monotonic()
            finished = wait(lambda: Mailing.objects.get(pk=last.pk).status == "done", args.timeout)
            after = time.monotonic() - started if finished else None
        finally:
            terminate(worker, timeout=60)
            redis_server.stop()
        report(args, rows, sink.handler, restarts, after, log_path)


def audience_and_template(size: int):
    from crm.models import Consent, Contact, Forum, Participation
    from outreach.services.mailings import template_save

    forum = Forum.objects.create(title="Outage plenary", date="2019-04-30", venue="KBTU")
    contacts = Contact.objects.bulk_create(
        (Contact(given_name=f"Person{i}", email=f"outage{i}@example.org",
                 search_key=f"outage{i}") for i in range(size)),
        batch_size=5_000,
    )  # fmt: skip
    Participation.objects.bulk_create(
        (Participation(contact=c, forum=forum, status="attended") for c in contacts),
        batch_size=5_000,
    )
    Consent.objects.bulk_create(
        (Consent(contact=c, purpose="forum_updates", granted=True, source="form")
         for c in contacts),
        batch_size=5_000,
    )  # fmt: skip
    template = template_save(
        name="Outage thanks", purpose="forum_updates",
        translations=[{"language": "ru", "subject": "Спасибо, {{ contact.given_name }}",
                       "body_text": "{{ forum.title }} {{ unsubscribe_url }}"}],
    )  # fmt: skip
    return forum, template


def start_mailing(forum, template, name):
    """Start a mailing as the app does: its send tasks go to the broker on commit."""
    from django.db import transaction

    from outreach.audience import ForumAudience
    from outreach.services.mailings import mailing_create, mailing_start

    audience = ForumAudience(forum=forum.pk, statuses=("attended",))
    mailing = mailing_create(
        name=name, purpose="forum_updates", template=template, audience=audience
    )
    with transaction.atomic():
        return mailing_start(mailing=mailing)


def wait(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def current_pids(run_dir: Path, supervised: bool, worker) -> dict:
    """The worker's and beat's process ids, as the supervisor reports them."""
    if not supervised:
        return {"worker": worker.pid, "beat": worker.pid}
    pids = {}
    for name in ("worker", "beat"):
        answer = subprocess.run(
            [str(ROOT / ".venv/bin/supervisorctl"), "-c", str(ROOT / "scripts/supervisord.conf"),
             "pid", name],
            env={**os.environ, "WORKER_RUN_DIR": str(run_dir)},
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        pids[name] = answer.stdout.strip()
    return pids


def wait_for_pids(run_dir: Path, supervised: bool, worker) -> dict:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        pids = current_pids(run_dir, supervised, worker)
        if all(pid.isdigit() and pid != "0" for pid in map(str, pids.values())):
            return pids
        if worker.poll() is not None:
            raise SystemExit("the worker command exited at once; see bench/results/")
        time.sleep(0.5)
    raise SystemExit("the supervisor did not start the worker and beat")


def report(args, rows, handler, restarts, after, log_path):
    expected = args.recipients * (len(rows) + (1 if after is not None else 0))
    survived = sum(1 for row in rows if row.get("alive") and row.get("done") is not None)
    print(f"command: {args.command}")
    print(f"outages of {args.down:g} s: {len(rows)} run, the worker outlived {survived}")
    duplicates = handler.deliveries - handler.distinct()
    print(f"messages: {handler.distinct()} distinct of {expected} expected, "
          f"{handler.deliveries} deliveries, {duplicates} duplicates")  # fmt: skip
    print(f"restarts by the supervisor: worker {restarts['worker']}, beat {restarts['beat']}")
    print("outage  alive  next delivery after Redis returned  mailing done after  sent")
    for row in rows:
        if "error" in row:
            print(f"{row['number']:>6}  {row['error']}")
            continue
        alive = "yes" if row["alive"] else "no"
        print(f"{row['number']:>6}  {alive:>5}  {seconds(row['next_delivery']):>35}  "
              f"{seconds(row['done']):>18}  {row['sent']}")  # fmt: skip
    print(f"the next mailing: {'done in ' + seconds(after) if after is not None else 'NOT done'}")
    print(f"worker log: {log_path}")


def seconds(value) -> str:
    return "-" if value is None else f"{value:.1f} s"


if __name__ == "__main__":
    main()
