"""A forum's day as a coordinator lives it, through the pages only: register people found by
the name search, check them in on a phone, add walk-ins, undo a mistaken check-in, and
record the no-shows once the day is over."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from crm.models import Contact, Participation
from crm.services.forums import forum_create
from crm.services.participation import participation_create

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def no_horizontal_scroll(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def search_and_tick(page, query: str, name: str):
    page.fill("#people-q", query)
    choice = page.locator("#people-matches .pick", has_text=name)
    expect(choice).to_have_count(1)
    choice.locator("input[type=checkbox]").check()


def test_register_check_in_walk_ins_undo_and_no_shows(signed_in, live_server, world, monkeypatch):
    page = signed_in
    today = timezone.localdate()
    forum = forum_create(title="Open city day", date=today, capacity=20, venue="KBTU")
    people = {c.given_name: c for c in world["contacts"]}
    aigerim, ivan, marat = people["Айгерим0"], people["Ivan1"], people["Marat3"]

    # Register three people, found by searching; the Cyrillic name by a Latin query.
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/forums/{forum.pk}/")
    page.click("#add-people summary")
    search_and_tick(page, "aigerim0", "Айгерим0")
    search_and_tick(page, "ivan1", "Ivan1")
    search_and_tick(page, "marat3", "Marat3")
    # Ticks survive the searches that came after them.
    expect(page.locator("#people-matches input[type=checkbox]:checked")).to_have_count(3)
    page.select_option("#people-status", "registered")
    page.click("#add-selected")
    expect(page.locator(".messages")).to_contain_text("3 added as Registered")
    expect(page.locator("#seats")).to_contain_text("3 / 20")
    no_horizontal_scroll(page)
    registered = Participation.objects.filter(forum=forum, status="registered")
    assert sorted(registered.values_list("contact_id", flat=True)) == sorted(
        [aigerim.pk, ivan.pk, marat.pk]
    )

    # On the day, from a phone: check two in.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/forums/{forum.pk}/check-in/")
    expect(page.locator("#mark-all")).to_have_text("Mark the 3 waiting as attended")
    expect(page.locator("#far-away")).to_have_count(0)
    for contact in (ivan, marat):
        page.fill("#q", contact.given_name)
        participation = Participation.objects.get(forum=forum, contact=contact)
        row = page.locator(f"#participation-{participation.pk}")
        expect(page.locator(".checkin-row")).to_have_count(1)
        row.locator("button:has-text('Mark attended')").click()
        expect(row).to_contain_text("Attended")
    page.fill("#q", "")
    # The bulk button counts whoever is still waiting among the people shown.
    expect(page.locator("#mark-all")).to_have_text("Mark the 1 waiting as attended")
    no_horizontal_scroll(page)
    attended = Participation.objects.filter(forum=forum, status="attended")
    assert sorted(attended.values_list("contact_id", flat=True)) == sorted([ivan.pk, marat.pk])

    # A walk-in who is in the contacts (found in Latin letters), and one who is not.
    dina = people["Дина2"]
    page.fill("#q", "dina2")
    walk_in = page.locator(f"#walk-in-{dina.pk}")
    expect(walk_in).to_be_visible()
    walk_in.locator("button").click()
    expect(page.locator(".messages")).to_contain_text("marked as attended")
    page.click("#walk-in-new summary")
    page.fill("#id_given_name", "Zarina")
    page.fill("#id_family_name", "Walkin")
    page.select_option("#id_language", "kk")
    page.click("#walk-in-add")
    expect(page.locator(".messages")).to_contain_text("Zarina Walkin marked as attended")
    no_horizontal_scroll(page)
    zarina = Contact.objects.get(given_name="Zarina", family_name="Walkin")
    for contact in (dina, zarina):
        assert Participation.objects.get(forum=forum, contact=contact).status == "attended"

    # Undo one check-in: it asks first; saying no changes nothing.
    page.fill("#q", marat.given_name)
    marked = Participation.objects.get(forum=forum, contact=marat)
    row = page.locator(f"#participation-{marked.pk}")
    expect(page.locator(".checkin-row")).to_have_count(1)
    questions = []

    def answer(dialog, accept: bool):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    row.locator("button.undo").click()
    page.wait_for_timeout(300)
    marked.refresh_from_db()
    assert marked.status == "attended"
    page.once("dialog", lambda dialog: answer(dialog, True))
    row.locator("button.undo").click()
    expect(row).to_contain_text("Mark attended")
    assert questions == [f"Undo the attendance of {marat.full_name}?"] * 2
    marked.refresh_from_db()
    assert marked.status == "registered"

    # The next day: the registered who did not come become no-shows, after confirming.
    monkeypatch.setattr(timezone, "localdate", lambda *args: today + dt.timedelta(days=1))
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/forums/{forum.pk}/")
    expect(page.locator("#mark-no-shows")).to_have_text("Mark 2 no-shows")
    page.once("dialog", lambda dialog: answer(dialog, True))
    page.click("#mark-no-shows")
    expect(page.locator(".messages")).to_contain_text("2 marked as no-shows")
    assert questions[-1].startswith("Record the 2 people still registered")
    outcome = dict(
        Participation.objects.filter(forum=forum).values_list("contact__given_name", "status")
    )
    assert outcome == {
        "Айгерим0": "no_show",
        "Ivan1": "attended",
        "Marat3": "no_show",
        "Дина2": "attended",
        "Zarina": "attended",
    }
    assert page.errors == []


def test_checking_in_days_ahead_warns_and_asks(signed_in, live_server, world):
    page = signed_in
    later = forum_create(title="Next month", date=timezone.localdate() + dt.timedelta(days=30))
    expected = participation_create(contact=world["contacts"][0], forum=later)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/forums/{later.pk}/check-in/")
    expect(page.locator("#far-away")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator(f"#participation-{expected.pk} button").click()
    page.wait_for_timeout(300)
    expected.refresh_from_db()
    assert expected.status == "registered"
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"#participation-{expected.pk} button").click()
    expect(page.locator(f"#participation-{expected.pk}")).to_contain_text("Attended")
    expected.refresh_from_db()
    assert expected.status == "attended"
