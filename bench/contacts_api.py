"""Latency of the contacts list endpoint at 200k contacts, against plain Django views.

Every view answers the same question (page of 50 contacts of one sector, in name order, with
the total count) in the same process, through the same middleware. The API goes through DRF
with authentication, permissions, throttling, django-filter, ordering and pagination. Two
plain views stand beside it:

- "same JSON": builds, by hand from a few ``.values()`` queries, exactly the answer the API
  gives (topics, current affiliations with the organisation's name, consent state, the
  paging links); the bench checks that its results equal the API's before it measures.
  This is the like-for-like baseline, the ratio to watch.
- "own fields": the contact's own columns only, the old baseline, kept for reference.

Requests alternate between the views so that machine noise hits all alike. The measured
page is given phones, topics, a second current affiliation and a withdrawal first (the
generated network has none of these), so every part of an answer is rendered.

Needs the 200k database from bench/generate_network.py (or pass --database-url).

    .venv/bin/python bench/contacts_api.py [--requests 40] [--database-url URL]
"""

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ["DEBUG"] = "false"

SECTOR = "civil_society"
PAGE = 50
ORDER = ("family_name", "given_name", "id")
OWN_FIELDS = [
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


def own_fields_contacts(request):
    from django.http import JsonResponse

    from crm.models import Contact

    rows = Contact.objects.filter(sector=request.GET["sector"]).order_by(*ORDER)
    return JsonResponse(
        {
            "count": rows.count(),
            "results": [
                {**row, "phone": str(row["phone"])} for row in rows.values(*OWN_FIELDS)[:PAGE]
            ],
        }
    )


def same_json_contacts(request):
    """The API's answer written by hand: five queries and dictionaries, no framework."""
    from django.http import JsonResponse
    from django.utils import timezone

    from crm.models import Affiliation, Consent, ConsentPurpose, Contact, ContactTag

    def moment(value):
        text = timezone.localtime(value).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    contacts = Contact.objects.filter(sector=request.GET["sector"]).order_by(*ORDER)
    count = contacts.count()
    rows = list(contacts.values(*OWN_FIELDS, "sector_explicit")[:PAGE])
    ids = [row["id"] for row in rows]

    affiliations = defaultdict(list)
    current = (
        Affiliation.objects.filter(contact_id__in=ids, end_date__isnull=True)
        .order_by("-is_primary", "-start_date", "-id")
        .values_list(
            "contact_id", "id", "organisation_id", "organisation__name", "position", "is_primary"
        )
    )
    for contact_id, pk, organisation, name, position, primary in current:
        affiliations[contact_id].append(
            {
                "id": pk,
                "organisation": organisation,
                "organisation_name": name,
                "position": position,
                "is_primary": primary,
            }
        )
    topics = defaultdict(list)
    links = ContactTag.objects.filter(content_object_id__in=ids).values_list(
        "content_object_id", "tag__name"
    )
    for contact_id, name in links:
        topics[contact_id].append(name)
    consent = {pk: dict.fromkeys(ConsentPurpose.values) for pk in ids}
    seen = set()
    statements = (
        Consent.objects.filter(contact_id__in=ids)
        .order_by("contact_id", "purpose", "-recorded_at", "-id")
        .values_list("contact_id", "purpose", "granted")
    )
    for contact_id, purpose, granted in statements:
        if (contact_id, purpose) not in seen:
            seen.add((contact_id, purpose))
            consent[contact_id][purpose] = granted

    results = []
    for row in rows:
        pk = row["id"]
        names = (row["given_name"], row["patronymic"], row["family_name"])
        explicit = row["sector_explicit"]
        results.append(
            {
                "id": pk,
                "given_name": row["given_name"],
                "family_name": row["family_name"],
                "patronymic": row["patronymic"],
                "full_name": " ".join(n for n in names if n),
                "email": row["email"],
                "phone": row["phone"].as_e164 if row["phone"] else "",
                "city": row["city"],
                "language": row["language"],
                "sector": row["sector"],
                "sector_source": "explicit"
                if explicit
                else ("affiliation" if row["sector"] else "unknown"),
                "tags": sorted(topics[pk]),
                "notes": row["notes"],
                "current_affiliations": affiliations[pk],
                "consent": consent[pk],
                "created": moment(row["created"]),
                "updated": moment(row["updated"]),
            }
        )
    base = request.build_absolute_uri(request.path)
    return JsonResponse(
        {
            "count": count,
            "next": f"{base}?page=2&page_size={PAGE}&sector={SECTOR}" if count > PAGE else None,
            "previous": None,
            "results": results,
        }
    )


def page_enrich() -> None:
    """Give the measured page what the generated network lacks, once: phones, topics, a
    second current affiliation and a withdrawn consent, through the services."""
    from django.db import transaction

    from crm.models import Contact

    page = list(Contact.objects.filter(sector=SECTOR).order_by(*ORDER)[:PAGE])
    if page[0].tags.exists():
        return
    with transaction.atomic():
        _page_enrich(page)


def _page_enrich(page) -> None:
    from crm.models import Organisation
    from crm.services.affiliations import affiliation_create
    from crm.services.consent import consent_record
    from crm.services.contacts import contact_update

    partners = list(Organisation.objects.filter(sector=SECTOR).order_by("id")[:PAGE])
    topics = ["ecology", "transport", "urbanism", "youth", "water", "heritage"]
    for i, contact in enumerate(page):
        contact_update(contact=contact, data={"phone": f"+7701555{i:04d}"})
        contact.tags.add(*topics[i % 4 : i % 4 + 2 + i % 2])
        if i % 3 == 0:
            affiliation_create(contact=contact, organisation=partners[i], position="Volunteer")
        if i % 5 == 0:
            consent_record(contact=contact, purpose="forum_updates", granted=False, source="link")
        if i % 7 == 0:
            consent_record(contact=contact, purpose="working_group", granted=True, source="form")


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
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import include, path
    from rest_framework.authtoken.models import Token

    from crm.models import Contact
    from crm.roles import COORDINATOR, roles_sync

    module = sys.modules[__name__]
    module.urlpatterns = [
        path("bench/own-fields/", own_fields_contacts),
        path("bench/same-json/", same_json_contacts),
        path("", include("config.urls")),
    ]
    total = Contact.objects.count()
    if total < 100_000:
        raise SystemExit(f"only {total:,} contacts: run bench/generate_network.py first")
    roles_sync()
    page_enrich()
    user, _ = get_user_model().objects.get_or_create(username="bench")
    user.groups.add(django.contrib.auth.models.Group.objects.get(name=COORDINATOR))
    token, _ = Token.objects.get_or_create(user=user)

    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    api_label = f"API  /api/v1/contacts/?sector={SECTOR}&page_size={PAGE}"
    same_label = "plain view, same JSON by hand from .values()"
    cases = {
        api_label: ("/api/v1/contacts/", {"sector": SECTOR, "page_size": PAGE}),
        same_label: ("/bench/same-json/", {"sector": SECTOR}),
        "plain view, own fields only (.values())": ("/bench/own-fields/", {"sector": SECTOR}),
    }
    timings = {name: [] for name in cases}
    queries = {}
    with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"]):
        answers = {}
        for name, (url, params) in cases.items():  # warm caches and connections
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url, params)
            assert response.status_code == 200, response.content[:500]
            answers[name] = response.json()
            queries[name] = len(captured)
        api, same = answers[api_label], answers[same_label]
        assert api["count"] == same["count"], "the baseline counts differently"
        assert api["results"] == same["results"], "the baseline's JSON differs from the API's"
        assert [api["next"], api["previous"]] == [
            same["next"].replace("/bench/same-json/", "/api/v1/contacts/"),
            same["previous"],
        ]
        for _ in range(args.requests):
            for name, (url, params) in cases.items():
                started = time.perf_counter()
                response = client.get(url, params)
                timings[name].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
        search = []
        for _ in range(args.requests // 2):
            started = time.perf_counter()
            client.get("/api/v1/contacts/", {"search": "Айгерим Kasymova", "page_size": PAGE})
            search.append((time.perf_counter() - started) * 1000)

    print(f"{total:,} contacts, {connection.vendor}, {args.requests} requests each, interleaved")
    print(f"{'':58} {'median':>8} {'p95':>8} {'queries':>8}")
    medians = {}
    for name, values in timings.items():
        values.sort()
        medians[name] = statistics.median(values)
        p95 = values[int(len(values) * 0.95) - 1]
        print(f"{name:58} {medians[name]:7.1f}ms {p95:7.1f}ms {queries[name]:>8}")
    api, same, own = medians.values()
    print(f"{'ratio API / same-JSON view (like for like)':58} {api / same:7.2f}x")
    print(f"{'ratio API / own-fields view':58} {api / own:7.2f}x")
    search.sort()
    label = "API search across scripts (Айгерим Kasymova), page of 50"
    print(f"{label:58} {statistics.median(search):7.1f}ms")


if __name__ == "__main__":
    main()
