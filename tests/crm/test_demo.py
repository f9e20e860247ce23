import datetime as dt
import io
from collections import Counter

import pytest
from django.apps import apps
from django.core.management import call_command

from crm.demo.synthetic import SYNTHETIC_NOTE
from crm.models import Contact, Forum, Participation, Programme, WorkingGroup

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# The programme's public page: dates and cities of its twelve events.
REAL_EVENTS = [
    (1, "forum", dt.date(2017, 9, 22), "Almaty"),
    (2, "forum", dt.date(2017, 11, 30), "Almaty"),
    (3, "forum", dt.date(2018, 2, 15), "Almaty"),
    (4, "forum", dt.date(2018, 4, 26), "Almaty"),
    (5, "forum", dt.date(2018, 7, 21), "Almaty"),
    (6, "forum", dt.date(2018, 10, 20), "Almaty"),
    (7, "forum", dt.date(2019, 1, 24), "Almaty"),
    (8, "forum", dt.date(2019, 2, 26), "Almaty"),
    (9, "forum", dt.date(2019, 4, 30), "Almaty"),
    (None, "conference", dt.date(2019, 9, 12), "Nur-Sultan"),
    (None, "conference", dt.date(2019, 11, 20), "Shymkent"),
    (None, "festival", dt.date(2020, 2, 29), "Almaty"),
]


def _every_row():
    """Every row of every CRM table (history included), as comparable tuples."""
    rows = {}
    for model in apps.get_app_config("crm").get_models():
        rows[model._meta.label] = sorted(
            tuple(str(v) for v in row) for row in model.objects.values_list()
        )
    return rows


def test_demo_loads_wealmaty_with_synthetic_people_and_a_second_run_changes_nothing(
    coordinator_api,
):
    call_command("load_demo", stdout=io.StringIO())
    first = _every_row()
    call_command("load_demo", stdout=io.StringIO())
    assert _every_row() == first

    programme = Programme.objects.get()
    assert (programme.name, programme.start_year, programme.end_year) == (
        "WeAlmaty Dialogue Platform",
        2017,
        2020,
    )
    assert programme.funder.name == "European Union"
    events = list(Forum.objects.order_by("date").values_list("number", "kind", "date", "city"))
    assert events == REAL_EVENTS

    forum9 = Forum.objects.get(number=9)
    assert forum9.venue == "Novotel Hotel, 104a Dostyk str."
    assert (forum9.start_time, forum9.end_time) == (dt.time(13), dt.time(18))
    assert "accessibility and inclusion" in forum9.outcome
    partners = {
        (p.organisation.name, p.role) for p in Forum.objects.get(number=1).partner_links.all()
    }
    assert {
        ("British Council", "host"),
        ("Kazakh-British Technical University", "partner"),
        ("Almaty Development Centre", "partner"),
        ("Akimat of Almaty", "partner"),
        ("European Union", "funder"),
    } <= partners

    groups = {g.title: g.origin_forum.number for g in WorkingGroup.objects.all()}
    assert groups == {
        "Almaty tourism brand working group": 7,
        "Accessibility and inclusion working group": 9,
    }
    for group in WorkingGroup.objects.all():
        members = group.memberships.all()
        assert members.filter(role="chair").count() == 1
        # Members came from the forum the group was born at.
        assert all(
            Participation.objects.filter(
                contact=m.contact, forum=group.origin_forum, status="attended"
            ).exists()
            for m in members
        )

    people = Contact.objects.all()
    assert people.count() > 300
    assert all(c.notes == SYNTHETIC_NOTE and c.email.endswith("@example.org") for c in people)
    assert set(people.values_list("sector", flat=True)) >= {
        "government",
        "civil_society",
        "business",
        "academia",
        "media",
        "international",
        "other",
    }
    scripts = Counter("cyrillic" if c.family_name[:1] >= "А" else "latin" for c in people)
    assert scripts["cyrillic"] > 50
    assert scripts["latin"] > 50
    attended = Counter(
        Participation.objects.filter(status="attended").values_list("contact_id", flat=True)
    )
    assert sum(1 for n in attended.values() if n == 1) > 100  # many one-timers
    assert sum(1 for n in attended.values() if n >= 7) >= 10  # a core of regulars
    roles = set(Participation.objects.values_list("role", flat=True))
    assert {"speaker", "moderator", "organiser", "participant"} <= roles
    # People who changed organisation keep both ties, and forums record the one of the day.
    movers = Contact.objects.filter(affiliations__end_date__isnull=False).distinct()
    assert movers.count() >= 10
    assert Participation.objects.filter(contact__in=movers).values("contact").distinct().count() > 0

    # And the API a coordinator uses shows the twelve events with their real dates.
    body = coordinator_api.get("/api/v1/forums/", {"page_size": 50}).json()
    assert [row["date"] for row in body["results"]] == [d.isoformat() for _, _, d, _ in REAL_EVENTS]
