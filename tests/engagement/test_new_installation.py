"""A new installation as a coordinator starts it: an empty database, a handful of forums and
people typed in through the API, no organisations at all, and dates in no particular order."""

import pytest
from django.core.management import call_command

from engagement.models import EngagementSnapshot

pytestmark = pytest.mark.django_db

DATES = ["2019-03-01", "2018-01-15", "2018-06-01", "2018-10-01", "2019-01-10", "2018-03-20"]


@pytest.fixture
def history(coordinator_api):
    """Six forums entered out of date order; Aigerim came to the first three (by date) and
    then stayed away, Dana came to every one, Erlan never came."""
    api = coordinator_api
    programme = api.post("/api/v1/programmes/", {"name": "Dialogue", "start_year": 2018})
    assert programme.status_code == 201, programme.json()
    forums = {}
    for number, date in enumerate(DATES, start=1):
        response = api.post(
            "/api/v1/forums/",
            {"programme": programme.json()["id"], "number": number, "title": f"F{number}",
             "date": date},
        )  # fmt: skip
        assert response.status_code == 201, response.json()
        forums[date] = response.json()["id"]
    people = {}
    for name in ("Aigerim", "Dana", "Erlan"):
        response = api.post("/api/v1/contacts/", {"given_name": name, "family_name": "Test"})
        assert response.status_code == 201, response.json()
        people[name] = response.json()["id"]
    chronological = sorted(DATES)
    attended = {"Aigerim": chronological[:3], "Dana": chronological}
    for name, dates in attended.items():
        for date in dates:
            response = api.post(
                "/api/v1/participations/",
                {"contact": people[name], "forum": forums[date], "status": "attended"},
            )
            assert response.status_code == 201, response.json()
    return people


def test_engagement_is_computed_without_any_organisation(coordinator_api, history):
    call_command("compute_engagement", "--as-of", "2019-06-01")

    lapsed = coordinator_api.get("/api/v1/engagement/lapsed/")
    assert lapsed.status_code == 200, lapsed.json()
    assert [row["contact"] for row in lapsed.json()["results"]] == [history["Aigerim"]]
    organisations = coordinator_api.get("/api/v1/engagement/organisations/")
    assert organisations.status_code == 200
    assert organisations.json()["count"] == 0


def test_a_recompute_dated_before_the_first_forum_succeeds_and_is_empty(
    coordinator_api, history, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_api.post("/api/v1/engagement/recompute/", {"as_of": "2017-09-21"})

    assert response.status_code == 202, response.json()
    snapshot = EngagementSnapshot.objects.get(pk=response.json()["id"])
    assert snapshot.status == "done", snapshot.error
    contacts = coordinator_api.get("/api/v1/engagement/contacts/", {"snapshot": snapshot.pk})
    assert contacts.status_code == 200
    assert all(row["forums_attended"] == 0 for row in contacts.json()["results"])
    assert coordinator_api.get("/api/v1/engagement/lapsed/").json()["count"] == 0
