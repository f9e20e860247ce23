"""Engagement through the services, stored snapshots and the API, on a hand-built history."""

import csv
import datetime as dt
import io

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.models import ContactList
from crm.services.contacts import contact_create
from crm.services.forums import forum_create, programme_create
from crm.services.organisations import organisation_create
from crm.services.participation import participation_create
from crm.services.working_groups import membership_create, working_group_create
from engagement.models import ContactEngagement
from engagement.scoring import lapsed, lapsed_lookups
from engagement.services import engagement_snapshot_compute

pytestmark = pytest.mark.django_db
START = dt.date(2018, 1, 1)


@pytest.fixture
def world():
    """Six forums a hundred days apart. Sectors: A, B gov; C, D civil society; E business.

    A attends all six (speaker at the third); B attends the first three then stays away;
    C comes to the fifth only; D to the second and fourth; E to the first. An organisation
    is represented by B at the first three forums and by E's successor A... (see rows).
    """
    programme = programme_create(
        name="Series",
        start_year=2018,
        sector_targets={"government": 0.3, "civil_society": 0.3, "business": 0.2},
    )
    forums = [
        forum_create(
            programme=programme, number=i + 1, title=f"Forum {i + 1}",
            date=START + dt.timedelta(days=100 * i),
        )
        for i in range(6)
    ]  # fmt: skip
    sectors = {"A": "government", "B": "government", "C": "civil_society",
               "D": "civil_society", "E": "business"}  # fmt: skip
    people = {
        name: contact_create(given_name=name, family_name="Test", sector=sector)
        for name, sector in sectors.items()
    }
    people["G"] = contact_create(given_name="G", family_name="Nobody")
    akimat = organisation_create(name="Akimat", sector="government")

    def came(name, index, role="participant", organisation=None, status="attended"):
        participation_create(
            contact=people[name], forum=forums[index], role=role, status=status,
            organisation=organisation,
        )  # fmt: skip

    for i in range(6):
        # The akimat sends B to the first three forums, then A (staff turnover).
        came("A", i, role="speaker" if i == 2 else "participant",
             organisation=akimat if i >= 3 else None)  # fmt: skip
    for i in range(3):
        came("B", i, organisation=akimat)
    came("B", 3, status="invited")
    came("C", 4)
    came("D", 1)
    came("D", 3, role="organiser")
    came("E", 0)
    group = working_group_create(title="Accessibility", programme=programme, status="active")
    membership_create(working_group=group, contact=people["A"], role="chair",
                      joined_on=START + dt.timedelta(days=300))  # fmt: skip
    membership_create(working_group=group, contact=people["C"], joined_on=START)
    snapshot = engagement_snapshot_compute(as_of=START + dt.timedelta(days=500))
    return {"programme": programme, "forums": forums, "people": people, "snapshot": snapshot,
            "akimat": akimat, "group": group}  # fmt: skip


def rows_by_name(response):
    return {row["name"].split()[0]: row for row in response.json()["results"]}


def test_contacts_levels_scores_and_counts(coordinator_api, world):
    body = coordinator_api.get("/api/v1/engagement/contacts/", {"page_size": 50})
    assert body.status_code == 200
    rows = rows_by_name(body)
    levels = {name: row["level"] for name, row in rows.items()}
    assert levels == {"A": "core", "B": "lapsed", "C": "new", "D": "regular",
                      "E": "occasional", "G": ""}  # fmt: skip
    decay = lambda day: 2 ** (-(500 - day) / 365)  # noqa: E731
    a = rows["A"]
    assert a["score"] == pytest.approx(
        decay(0) + decay(100) + 2 * decay(200) + decay(300) + decay(400) + decay(500) + 3
    )
    assert (a["forums_attended"], a["speaker"], a["memberships_current"]) == (6, 1, 1)
    assert rows["B"]["attendance_rate"] == pytest.approx(3 / 4)
    assert rows["B"]["last_forum_title"] == "Forum 3"
    assert rows["G"]["attendance_rate"] is None
    assert rows["G"]["forums_attended"] == 0
    assert rows["C"]["membership_days"] == 500


def test_filters_order_and_csv(coordinator_api, world):
    lapsed = coordinator_api.get("/api/v1/engagement/contacts/", {"level": "lapsed"}).json()
    assert [r["name"] for r in lapsed["results"]] == ["B Test"]
    government = coordinator_api.get("/api/v1/engagement/contacts/", {"sector": "government"})
    assert {r["name"] for r in government.json()["results"]} == {"A Test", "B Test"}
    ordered = coordinator_api.get("/api/v1/engagement/contacts/", {"ordering": "forums_attended"})
    counts = [r["forums_attended"] for r in ordered.json()["results"]]
    assert counts == sorted(counts)
    export = coordinator_api.get("/api/v1/engagement/contacts/", {"format": "csv", "level": "core"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")
    table = list(
        csv.reader(io.StringIO(b"".join(export.streaming_content).decode().lstrip("\ufeff")))
    )
    assert table[0][:3] == ["contact", "name", "email"]
    assert [row[1] for row in table[1:]] == ["A Test"]


def test_organisations_survive_staff_turnover(coordinator_api, world):
    rows = coordinator_api.get("/api/v1/engagement/organisations/").json()["results"]
    akimat = next(r for r in rows if r["name"] == "Akimat")
    # B came for the akimat at forums 1–3 and A at 4–6: the akimat never missed one.
    assert akimat["forums_attended"] == 6
    assert akimat["level"] == "core"
    assert (akimat["people"], akimat["people_recent"]) == (2, 1)


def test_sectors(coordinator_api, world):
    rows = {
        r["sector"]: r for r in coordinator_api.get("/api/v1/engagement/sectors/").json()["results"]
    }
    government = rows["government"]
    assert (government["contacts"], government["core"], government["lapsed"]) == (2, 1, 1)
    # The last three forums: A three times, C once, D once -> government 3 of 5.
    assert government["recent_share"] == pytest.approx(3 / 5)
    # The first three: A 3, B 3, D 1, E 1 -> government 6 of 8.
    assert government["earlier_share"] == pytest.approx(6 / 8)
    assert government["drift"] == pytest.approx(3 / 5 - 6 / 8)


def test_lapsed_list_with_a_configurable_n_and_saved_for_outreach(
    coordinator_api, viewer_api, world
):
    default = coordinator_api.get("/api/v1/engagement/lapsed/").json()
    assert [r["name"] for r in default["results"]] == ["B Test"]
    assert default["results"][0]["last_forum_title"] == "Forum 3"
    assert coordinator_api.get("/api/v1/engagement/lapsed/", {"missed": 4}).json()["count"] == 0
    assert coordinator_api.get("/api/v1/engagement/lapsed/", {"missed": 0}).status_code == 400
    assert viewer_api.post("/api/v1/engagement/lapsed/save/", {}).status_code == 403
    saved = coordinator_api.post("/api/v1/engagement/lapsed/save/", {"name": "Win them back"})
    assert saved.status_code == 201
    assert saved.json()["size"] == 1
    contact_list = ContactList.objects.get(pk=saved.json()["id"])
    assert list(contact_list.members.values_list("given_name", flat=True)) == ["B"]
    members = coordinator_api.get(f"/api/v1/contact-lists/{contact_list.pk}/members/").json()
    assert [m["given_name"] for m in members["results"]] == ["B"]


def test_the_lapsed_list_is_the_lapsed_rule_on_the_stored_figures(world):
    # One rule, two forms: numpy for the level, field lookups for the list's query.
    stored = list(
        ContactEngagement.objects.filter(snapshot=world["snapshot"]).values_list(
            "contact_id", "forums_attended", "missed_since_last"
        )
    )
    attended = np.array([row[1] for row in stored])
    missed_since_last = np.array([row[2] for row in stored])
    for missed in range(1, 5):
        for min_forums in range(0, 5):
            rule = lapsed(attended, missed_since_last, missed=missed, min_forums=min_forums)
            listed = ContactEngagement.objects.filter(
                snapshot=world["snapshot"], **lapsed_lookups(missed=missed, min_forums=min_forums)
            )
            assert sorted(listed.values_list("contact_id", flat=True)) == sorted(
                stored[i][0] for i in np.flatnonzero(rule)
            )
    assert lapsed(attended, missed_since_last, missed=3, min_forums=2).any()  # B lapsed


def test_cohorts_with_exact_shares(coordinator_api, world):
    body = coordinator_api.get("/api/v1/engagement/cohorts/", {"page_size": 100}).json()
    cells = {(r["cohort_title"], r["forum_title"]): r for r in body["results"]}
    first = cells[("Forum 1", "Forum 2")]
    # Forum 1's newcomers: A, B, E. At forum 2: A and B.
    assert (first["cohort_size"], first["returned"]) == (3, 2)
    assert first["share"] == pytest.approx(2 / 3)
    assert cells[("Forum 1", "Forum 4")]["returned"] == 1  # only A
    one = cells[("Forum 2", "Forum 4")]  # the cohort of one: D
    assert (one["cohort_size"], one["returned"], one["share"]) == (1, 1, 1.0)
    empty = cells[("Forum 3", "Forum 4")]  # nobody started at forum 3
    assert (empty["cohort_size"], empty["share"]) == (0, None)
    by_sector = coordinator_api.get("/api/v1/engagement/cohorts/", {"sector": "government"}).json()
    government_first = next(
        r
        for r in by_sector["results"]
        if r["cohort_title"] == "Forum 1" and r["forum_title"] == "Forum 2"
    )
    assert (government_first["cohort_size"], government_first["returned"]) == (2, 2)


def test_forum_balance_against_the_programme_targets(coordinator_api, world):
    rows = coordinator_api.get("/api/v1/engagement/forums/").json()["results"]
    first = rows[0]
    # Forum 1: A (own sector: government), B (for the akimat: government), E (business).
    assert first["by_sector"] == {"business": 1, "government": 2}
    assert first["gaps"] == {"civil_society": pytest.approx(0.3)}
    assert first["meets_targets"] is False
    assert (first["returning"], first["returning_rate"]) == (0, 0.0)
    second = rows[1]  # A, B back; D new
    assert (second["attendees"], second["returning"]) == (3, 2)
    assert second["returning_rate"] == pytest.approx(2 / 3)
    groups = coordinator_api.get("/api/v1/engagement/working-groups/").json()["results"]
    assert groups[0]["by_sector"] == {"civil_society": 1, "government": 1}
    assert groups[0]["gaps"] == {"business": pytest.approx(0.2)}


def test_a_forum_with_no_attendees(coordinator_api, world):
    forum_create(
        programme=world["programme"], number=7, title="Empty", date=START + dt.timedelta(days=450)
    )
    rows = coordinator_api.get("/api/v1/engagement/forums/").json()["results"]
    empty = next(r for r in rows if r["title"] == "Empty")
    assert (empty["attendees"], empty["returning_rate"], empty["shares"]) == (0, None, {})


def test_score_history_shows_the_drift(coordinator_api, world):
    for days in (100, 200, 300):
        engagement_snapshot_compute(as_of=START + dt.timedelta(days=days))
    b = world["people"]["B"]
    history = coordinator_api.get(f"/api/v1/engagement/contacts/{b.pk}/history/").json()
    assert [h["as_of"] for h in history] == sorted(h["as_of"] for h in history)
    scores = [h["score"] for h in history]
    peak = scores.index(max(scores))
    # B's score peaked at their last forum (day 200)...
    assert history[peak]["as_of"] == (START + dt.timedelta(days=200)).isoformat()
    assert scores[-1] < scores[peak]  # ...and fell while B stayed away
    assert history[-1]["level"] == "lapsed"


def test_engagement_lists_run_a_constant_number_of_queries(token_api, world):
    def queries(url, size):
        with CaptureQueriesContext(connection) as captured:
            assert token_api.get(url, {"page_size": size}).status_code == 200
        return len(captured)

    for url in ("/api/v1/engagement/contacts/", "/api/v1/engagement/organisations/",
                "/api/v1/engagement/lapsed/", "/api/v1/engagement/forums/",
                "/api/v1/engagement/cohorts/"):  # fmt: skip
        assert queries(url, 1) == queries(url, 50), url


def test_no_snapshot_is_a_clear_404_and_anonymous_is_401(api, coordinator_api, db):
    assert api.get("/api/v1/engagement/contacts/").status_code == 401
    response = coordinator_api.get("/api/v1/engagement/contacts/")
    assert response.status_code == 404
    assert "compute_engagement" in response.json()["detail"]


def test_several_programmes_need_a_choice(coordinator_api, world):
    programme_create(name="Another")
    response = coordinator_api.get("/api/v1/engagement/cohorts/")
    assert response.status_code == 400
    assert "programme" in response.json()
    chosen = coordinator_api.get(
        "/api/v1/engagement/cohorts/", {"programme": world["programme"].pk}
    )
    assert chosen.status_code == 200


def test_commands(world):
    out = io.StringIO()
    call_command("compute_engagement", "--history", stdout=out)
    assert "Engagement as of 2018-01-01" in out.getvalue()
    report = io.StringIO()
    call_command("engagement_report", stdout=report)
    text = report.getvalue()
    assert "Lapsed regulars" in text
    assert "B Test" in text


def test_the_lapsed_list_by_default_is_the_lapsed_level(coordinator_api, world):
    contacts = "/api/v1/engagement/contacts/"
    level = coordinator_api.get(contacts, {"level": "lapsed", "page_size": 100}).json()
    listed = coordinator_api.get("/api/v1/engagement/lapsed/", {"page_size": 100}).json()
    assert {r["contact"] for r in listed["results"]} == {r["contact"] for r in level["results"]}
    assert listed["count"] == level["count"] == 1


def test_one_lapsed_rule_from_settings_for_the_level_and_the_list(coordinator_api, world, settings):
    settings.ENGAGEMENT_LAPSED_MIN_FORUMS = 4  # B came to three forums: not lapsed any more
    strict = engagement_snapshot_compute(as_of=START + dt.timedelta(days=500))
    assert strict.parameters["lapse_min_forums"] == 4
    level = coordinator_api.get(
        "/api/v1/engagement/contacts/", {"snapshot": strict.pk, "level": "lapsed"}
    ).json()
    listed = coordinator_api.get("/api/v1/engagement/lapsed/", {"snapshot": strict.pk}).json()
    assert level["count"] == listed["count"] == 0
    # The earlier snapshot keeps the rule it was computed with.
    earlier = coordinator_api.get("/api/v1/engagement/lapsed/", {"snapshot": world["snapshot"].pk})
    assert [r["name"] for r in earlier.json()["results"]] == ["B Test"]
