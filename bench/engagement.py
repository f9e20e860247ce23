"""Engagement at national scale: 200,000 contacts, 1,000,000 participations.

Times, on the database bench/generate_network.py filled (PostgreSQL when it runs here):
  - reading the whole attendance history with values_list,
  - computing every contact's and organisation's figures, score and level (numpy),
  - storing the snapshot (COPY),
  - the cohort table and the sector balance of the largest programme (one grouped query
    and one numpy pass each),
  - a page of 50 of the contacts endpoint ordered by score, and of the lapsed list,
and, side by side in the same run, the same per-contact figures (forums attended, first and
last date, counted forums) by one SQL GROUP BY over the participations, the database's own
aggregation as the baseline.

    .venv/bin/python bench/engagement.py [--database-url URL]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def timed(call, repeat=1):
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    elif "DATABASE_URL" not in os.environ:
        from common import PG, RESULTS, postgres_available

        os.environ["DATABASE_URL"] = (
            f"{PG}/civicnet_bench_200k"
            if postgres_available()
            else f"sqlite:///{RESULTS / 'civicnet_bench_200k.sqlite3'}"
        )
    os.environ["DEBUG"] = "false"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Max, Min, Q
    from django.test import Client
    from django.test.utils import override_settings
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from crm.models import Contact, Participation, Programme
    from crm.roles import COORDINATOR, roles_sync
    from engagement.attendance import contact_scoring_input
    from engagement.scoring import EngagementParameters, engagement_figures
    from engagement.selectors import cohort_table, engagement_inputs_read, forum_balance
    from engagement.services import engagement_snapshot_compute

    call_command("migrate", verbosity=0)
    contacts = Contact.objects.count()
    participations = Participation.objects.count()
    if contacts < 100_000:
        raise SystemExit(f"only {contacts:,} contacts: run bench/generate_network.py first")
    today = timezone.localdate()
    print(f"{contacts:,} contacts, {participations:,} participations, {connection.vendor}\n")

    read, inputs = timed(lambda: engagement_inputs_read(as_of=today))
    compute, _ = timed(
        lambda: engagement_figures(contact_scoring_input(inputs, today), EngagementParameters()),
        repeat=3,
    )
    snapshot_time, snapshot = timed(lambda: engagement_snapshot_compute(as_of=today))
    sql, _ = timed(
        lambda: list(
            Participation.objects.values("contact_id")
            .annotate(
                attended=Count("pk", filter=Q(status="attended")),
                counted=Count("pk", filter=~Q(status="waitlisted")),
                first=Min("forum__date", filter=Q(status="attended")),
                last=Max("forum__date", filter=Q(status="attended")),
            )
            .order_by()
        ),
        repeat=3,
    )
    programme = Programme.objects.annotate(n=Count("forums")).order_by("-n", "pk").first()
    cohorts, table = timed(lambda: cohort_table(programme=programme), repeat=3)
    balance, _ = timed(lambda: forum_balance(programme=programme), repeat=3)

    roles_sync()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, _ = get_user_model().objects.get_or_create(username="bench")
    user.groups.add(Group.objects.get(name=COORDINATOR))
    token, _ = Token.objects.get_or_create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        page, response = timed(
            lambda: client.get("/api/v1/engagement/contacts/", {"page_size": 50}), repeat=10
        )
        assert response.status_code == 200
        lapsed, response = timed(
            lambda: client.get("/api/v1/engagement/lapsed/", {"page_size": 50}), repeat=10
        )
        assert response.status_code == 200

    print(f"{'step':62} {'seconds':>8}")
    for label, seconds in (
        ("read the attendance history (values_list)", read),
        ("per-contact figures, scores and levels (numpy, median of 3)", compute),
        ("whole snapshot: read + contacts + organisations + sectors + store", snapshot_time),
        ("  baseline: per-contact counts and dates by SQL GROUP BY", sql),
        (f"cohort table, {programme.name} ({len(table.forums)} forums)", cohorts),
        (f"sector balance and returning rate, {len(table.forums)} forums", balance),
        ("GET /api/v1/engagement/contacts/ (page of 50, by score)", page),
        ("GET /api/v1/engagement/lapsed/ (page of 50)", lapsed),
    ):
        print(f"{label:62} {seconds:8.2f}")
    print(f"\nstored snapshot #{snapshot.pk}: {snapshot.timings}")
    print(f"numpy figures vs SQL GROUP BY (fewer figures): {compute / sql:.2f}x the time")


if __name__ == "__main__":
    main()
