"""Any history a new installation can hold, built through the public API only, on an empty
database: both recomputes succeed, and every network and engagement endpoint and every page
answers without a server error.

The histories include the degenerate ones a coordinator reaches on day one: nothing at all,
one forum without anyone, one person, everyone at one forum, nobody with an organisation or
a sector, forums entered out of date order, only invitations and no-shows, and dates asked
for before anything happened.
"""

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client, TestCase
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLResolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm.models import ParticipationRole, ParticipationStatus, Sector
from network.models import NetworkSnapshot

pytestmark = pytest.mark.django_db

STATUSES = list(ParticipationStatus.values)
ROLES = list(ParticipationRole.values)
SECTORS = [None, *Sector.values]


@st.composite
def histories(draw):
    """Forums (dates in any order), people (sector or none), organisations (maybe none) and
    participations with any status and role."""
    forums = draw(st.lists(st.dates(dt.date(2017, 1, 1), dt.date(2021, 1, 1)), max_size=5))
    people = draw(st.lists(st.sampled_from(SECTORS), max_size=7))
    organisations = draw(st.lists(st.sampled_from(Sector.values), max_size=3))  # required
    cells = st.tuples(
        st.sampled_from(STATUSES),
        st.sampled_from(ROLES),
        st.one_of(st.none(), st.integers(0, max(len(organisations) - 1, 0))),
    )
    participations = {}
    if forums and people:
        pairs = st.tuples(st.integers(0, len(people) - 1), st.integers(0, len(forums) - 1))
        participations = draw(st.dictionaries(pairs, cells, max_size=20))
    return {
        "forums": forums,
        "people": people,
        "organisations": organisations,
        "participations": participations,
    }


DEGENERATE = {
    "nothing at all": {"forums": [], "people": [], "organisations": [], "participations": {}},
    "one forum, nobody came": {
        "forums": [dt.date(2019, 4, 30)], "people": [None], "organisations": [],
        "participations": {(0, 0): ("registered", "participant", None)},
    },
    "one person at one forum": {
        "forums": [dt.date(2019, 4, 30)], "people": [None], "organisations": [],
        "participations": {(0, 0): ("attended", "speaker", None)},
    },
    "everyone at one forum, no organisations or sectors": {
        "forums": [dt.date(2018, 5, 1)], "people": [None] * 6, "organisations": [],
        "participations": {(i, 0): ("attended", "participant", None) for i in range(6)},
    },
    "everyone in one sector, out-of-order dates, two groups": {
        "forums": [dt.date(2020, 1, 1), dt.date(2017, 9, 21), dt.date(2018, 3, 3)],
        "people": ["business"] * 4, "organisations": ["business"],
        "participations": {
            (0, 1): ("attended", "participant", 0), (1, 1): ("attended", "partner", 0),
            (2, 2): ("attended", "moderator", None), (3, 2): ("attended", "participant", None),
            (0, 0): ("no_show", "participant", None),
        },
    },
    "only invitations and no-shows": {
        "forums": [dt.date(2019, 1, 1), dt.date(2019, 2, 1)], "people": ["media", None],
        "organisations": ["government"],
        "participations": {
            (0, 0): ("invited", "participant", 0), (1, 1): ("no_show", "speaker", None),
        },
    },
}  # fmt: skip


def build(api, history) -> dict:
    """Enter a history as a coordinator would, through the API only."""
    ids = {"forums": [], "contacts": [], "organisations": []}

    def created(response):
        assert response.status_code == 201, response.json()
        return response.json()["id"]

    programme = created(api.post("/api/v1/programmes/", {"name": "Dialogue", "start_year": 2017}))
    for number, date in enumerate(history["forums"], start=1):
        ids["forums"].append(created(api.post(
            "/api/v1/forums/",
            {"programme": programme, "number": number, "title": f"Forum {number}",
             "date": date.isoformat()},
        )))  # fmt: skip
    for index, sector in enumerate(history["organisations"]):
        body = {"name": f"Organisation {index}", "sector": sector}
        ids["organisations"].append(created(api.post("/api/v1/organisations/", body)))
    for index, sector in enumerate(history["people"]):
        body = {"given_name": f"Person{index}", "family_name": "Test"}
        ids["contacts"].append(
            created(
                api.post("/api/v1/contacts/", {**body, **({"sector": sector} if sector else {})})
            )
        )
    for (person, forum), (status, role, organisation) in history["participations"].items():
        body = {"contact": ids["contacts"][person], "forum": ids["forums"][forum],
                "status": status, "role": role}  # fmt: skip
        if organisation is not None and ids["organisations"]:
            body["organisation"] = ids["organisations"][organisation]
        created(api.post("/api/v1/participations/", body))
    return ids


def recompute(api, as_of=None):
    body = {"as_of": as_of} if as_of else {}
    snapshots = {}
    for kind in ("network", "engagement"):
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = api.post(f"/api/v1/{kind}/recompute/", body)
        assert response.status_code == 202, response.json()
        status = api.get(f"/api/v1/{kind}/recompute/{response.json()['id']}/").json()
        assert status["status"] == "done", status
        snapshots[kind] = response.json()["id"]
    return snapshots


def analysis_urls(snapshots, ids) -> list[str]:
    """Every GET endpoint under /api/v1/network/ and /api/v1/engagement/, found in the URL
    configuration (a new endpoint is read here without editing this test)."""
    kwargs = {
        "network-recompute-detail": {"pk": snapshots["network"]},
        "engagement-recompute-detail": {"pk": snapshots["engagement"]},
        "engagement-contact-history": {"contact_id": (ids["contacts"] or [1])[0]},
    }
    names = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif prefix.startswith(("api/v1/network/", "api/v1/engagement/")) and pattern.name:
                names.add(pattern.name)

    walk(get_resolver().url_patterns, "")
    names -= {"engagement-lapsed-save", "api-root"}  # a POST; the roots are read below
    urls = ["/api/v1/network/", "/api/v1/engagement/"]
    for name in sorted(names):
        url = reverse(name, kwargs=kwargs.get(name))
        urls.append(url)
        if not name.endswith(("-detail", "-history")):
            urls += [f"{url}?format=csv", f"{url}?as_of=2000-01-01",
                     f"{url}?snapshot={snapshots['network']}"]  # fmt: skip
    urls += ["/api/v1/network/graph/?everyone=true", "/api/v1/network/graph/?min_weight=2",
             "/api/v1/network/brokers/?limit=200"]  # fmt: skip
    if ids["forums"]:
        first = ids["forums"][0]
        urls.append(f"/api/v1/network/graph/?from_forum={first}&to_forum={first}")
    return urls


def page_urls(ids) -> list[str]:
    urls = ["/", "/contacts/", "/contacts/?format=csv", "/organisations/", "/forums/",
            "/working-groups/", "/network/", "/engagement/", "/engagement/?missed=1",
            "/mailings/", "/contacts/new/", "/mailings/new/"]  # fmt: skip
    urls += [f"/contacts/{pk}/" for pk in ids["contacts"][:2]]
    urls += [f"/organisations/{pk}/" for pk in ids["organisations"][:2]]
    urls += [f"/forums/{pk}/" for pk in ids["forums"][:2]]
    urls += [f"/forums/{pk}/check-in/" for pk in ids["forums"][:1]]
    return urls


def read_everything(api, client, snapshots, ids):
    for url in analysis_urls(snapshots, ids):
        response = api.get(url)
        # A 404 (no snapshot as of that date) or a 400 (a question that does not apply,
        # such as cohorts without a programme) is an answer; a 5xx never is.
        assert response.status_code < 500, (url, response.status_code)
        assert response.status_code in (200, 400, 404), (url, response.status_code)
    for url in page_urls(ids):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)


def check(history, coordinator, *, as_of=None):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(coordinator)
    client = Client()
    client.force_login(coordinator)
    with transaction.atomic():
        ids = build(api, history)
        snapshots = recompute(api)
        read_everything(api, client, snapshots, ids)
        if as_of:  # and once more as of a date before everything
            snapshots = recompute(api, as_of=as_of)
            read_everything(api, client, snapshots, ids)
        assert NetworkSnapshot.objects.filter(status="failed").count() == 0
        transaction.set_rollback(True)  # the next history starts from an empty database


@pytest.mark.parametrize("name", DEGENERATE)
def test_degenerate_histories_never_answer_a_server_error(name, coordinator, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    check(DEGENERATE[name], coordinator, as_of="2000-01-01")


@pytest.mark.slow
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories())
def test_generated_histories_never_answer_a_server_error(history, coordinator, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    check(history, coordinator)
