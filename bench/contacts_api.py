"""Latency of the contacts list endpoint at 200k contacts, against a plain Django view.

Both answer the same question (page of 50 contacts of one sector, in name order, with the
total count) in the same process, through the same middleware: the API through DRF with
authentication, permissions, django-filter, serializers, topics, current affiliations and
consent state; the baseline as a bare view returning the contact's own fields from
``.values()``. Requests alternate between the two so that machine noise hits both alike; the
ratio is the figure to watch.

Needs the 200k database from bench/generate_network.py (or pass --database-url).

    .venv/bin/python bench/contacts_api.py [--requests 40]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ["DEBUG"] = "false"

FIELDS = [
    "id",
    "given_name",
    "family_name",
    "patronymic",
    "email",
    "phone",
    "city",
    "language",
    "sector",
    "notes",
    "created",
    "updated",
]


def plain_contacts(request):
    from django.http import JsonResponse

    from crm.models import Contact

    rows = Contact.objects.filter(sector=request.GET["sector"]).order_by(
        "family_name", "given_name", "id"
    )
    return JsonResponse(
        {"count": rows.count(), "results": [dict(r) for r in rows.values(*FIELDS)[:50]]}
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=40)
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

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import include, path
    from rest_framework.authtoken.models import Token

    from crm.models import Contact
    from crm.roles import COORDINATOR, roles_sync

    module = sys.modules[__name__]
    module.urlpatterns = [
        path("bench/plain-contacts/", plain_contacts),
        path("", include("config.urls")),
    ]
    total = Contact.objects.count()
    if total < 100_000:
        raise SystemExit(f"only {total:,} contacts: run bench/generate_network.py first")
    roles_sync()
    user, _ = get_user_model().objects.get_or_create(username="bench")
    user.groups.add(django.contrib.auth.models.Group.objects.get(name=COORDINATOR))
    token, _ = Token.objects.get_or_create(user=user)

    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    cases = {
        "API  /api/v1/contacts/?sector=civil_society&page_size=50": (
            "/api/v1/contacts/",
            {"sector": "civil_society", "page_size": 50},
        ),
        "plain view, same filter, .values()": (
            "/bench/plain-contacts/",
            {"sector": "civil_society"},
        ),
    }
    timings = {name: [] for name in cases}
    with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"]):
        for url, params in cases.values():  # warm caches and connections
            assert client.get(url, params).status_code == 200
        for _ in range(args.requests):
            for name, (url, params) in cases.items():
                started = time.perf_counter()
                response = client.get(url, params)
                timings[name].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
        search = []
        for _ in range(args.requests // 2):
            started = time.perf_counter()
            client.get("/api/v1/contacts/", {"search": "Айгерим Kasymova", "page_size": 50})
            search.append((time.perf_counter() - started) * 1000)

    from django.db import connection

    print(f"{total:,} contacts, {connection.vendor}, {args.requests} requests each, interleaved")
    print(f"{'':58} {'median':>8} {'p95':>8}")
    medians = {}
    for name, values in timings.items():
        values.sort()
        medians[name] = statistics.median(values)
        p95 = values[int(len(values) * 0.95) - 1]
        print(f"{name:58} {medians[name]:7.1f}ms {p95:7.1f}ms")
    api, plain = medians.values()
    print(f"{'ratio API / plain view':58} {api / plain:7.2f}x")
    search.sort()
    label = "API search across scripts (Айгерим Kasymova), page of 50"
    print(f"{label:58} {statistics.median(search):7.1f}ms")


if __name__ == "__main__":
    main()
