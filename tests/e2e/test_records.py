"""A coordinator keeps the records in a real browser, through the pages only: a programme
with sector targets, a forum with partners and a document, an organisation, a contact with
organisation, position and consent given in person, a working group with a member. Each
test checks the outcome in the database."""

import pytest
from playwright.sync_api import expect

from crm.models import Contact, Forum, Organisation, Programme, WorkingGroup
from tests.documents import pdf_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}


def no_horizontal_scroll(page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), (
        page.url
    )


def test_create_a_programme_with_sector_targets(signed_in, live_server):
    signed_in.goto(f"{live_server.url}/forums/")
    signed_in.click("text=New programme")
    signed_in.fill("#id_name", "Almaty Dialogue 2026")
    signed_in.fill("#id_start_year", "2026")
    signed_in.fill("#id_end_year", "2028")
    signed_in.fill("#id_sector_targets_government", "20")
    signed_in.fill("#id_sector_targets_civil_society", "25")
    signed_in.fill("#id_sector_targets_business", "15")
    signed_in.click("button:has-text('Save')")
    expect(signed_in.locator(".messages")).to_contain_text("Programme created.")
    programme = Programme.objects.get(name="Almaty Dialogue 2026")
    assert programme.sector_targets == {
        "government": 0.2,
        "civil_society": 0.25,
        "business": 0.15,
    }
    assert (programme.start_year, programme.end_year) == (2026, 2028)
    expect(signed_in.locator(f"#programme-{programme.pk}")).to_be_visible()
    assert signed_in.errors == []


def test_create_a_forum_with_partners_and_a_document(signed_in, live_server, world, tmp_path):
    host, funder = world["organisations"][0], world["organisations"][1]
    signed_in.goto(f"{live_server.url}/forums/")
    signed_in.click("text=New forum")
    signed_in.select_option("#id_programme", str(world["programme"].pk))
    signed_in.fill("#id_number", "12")
    signed_in.fill("#id_title", "Accessible city")
    signed_in.fill("#id_date", "2026-05-20")
    signed_in.fill("#id_start_time", "10:00")
    signed_in.fill("#id_end_time", "13:30")
    signed_in.fill("#id_venue", "KBTU")
    signed_in.fill("#id_capacity", "120")
    signed_in.fill("#id_objective", "Ramps and crossings")
    signed_in.select_option("#id_partners-0-organisation", str(host.pk))
    signed_in.select_option("#id_partners-0-role", "host")
    signed_in.select_option("#id_partners-1-organisation", str(funder.pk))
    signed_in.select_option("#id_partners-1-role", "funder")
    signed_in.select_option("#id_document-kind", "programme")
    signed_in.fill("#id_document-title", "Agenda")
    agenda = tmp_path / "agenda.pdf"
    agenda.write_bytes(pdf_bytes())
    signed_in.set_input_files("#id_document-file", str(agenda))
    signed_in.click("button:has-text('Save')")
    expect(signed_in.locator(".messages")).to_contain_text("Forum created.")
    expect(signed_in.locator("h1")).to_contain_text("Accessible city")
    forum = Forum.objects.get(title="Accessible city")
    assert (forum.programme_id, forum.number, forum.capacity) == (world["programme"].pk, 12, 120)
    assert sorted(forum.partner_links.values_list("organisation_id", "role")) == sorted(
        [(host.pk, "host"), (funder.pk, "funder")]
    )
    document = forum.documents.get()
    assert (document.kind, document.title) == ("programme", "Agenda")
    assert document.file.name.endswith(".pdf")
    # The page shows them; editing works from there too.
    expect(signed_in.locator("text=Agenda")).to_be_visible()
    signed_in.click("a:has-text('Edit')")
    signed_in.fill("#id_capacity", "150")
    signed_in.click("button:has-text('Save')")
    expect(signed_in.locator(".messages")).to_contain_text("Changes saved.")
    forum.refresh_from_db()
    assert forum.capacity == 150
    assert forum.partner_links.count() == 2
    assert signed_in.errors == []


def test_create_an_organisation_then_a_contact_there_with_consent_in_person(
    signed_in, live_server, coordinator
):
    signed_in.goto(f"{live_server.url}/organisations/")
    signed_in.click("text=New organisation")
    signed_in.fill("#id_name", "Almaty Urban Lab")
    signed_in.select_option("#id_sector", "academia")
    signed_in.fill("#id_city", "Almaty")
    signed_in.click("button:has-text('Save')")
    expect(signed_in.locator(".messages")).to_contain_text("Organisation created.")
    organisation = Organisation.objects.get(name="Almaty Urban Lab")
    assert organisation.sector == "academia"

    signed_in.goto(f"{live_server.url}/contacts/")
    signed_in.click("text=New contact")
    signed_in.fill("#id_given_name", "Дана")
    signed_in.fill("#id_family_name", "Омарова")
    signed_in.fill("#id_email", "dana.omarova@example.org")
    signed_in.select_option("#id_organisation", str(organisation.pk))
    signed_in.fill("#id_position", "Researcher")
    signed_in.check("input[name=purpose][value=forum_updates]")
    # Consent without the version of its text is refused, and nothing is saved.
    signed_in.click("button:has-text('Save')")
    expect(signed_in.locator("body")).to_contain_text("Say which version of the consent text")
    assert not Contact.objects.filter(email="dana.omarova@example.org").exists()
    signed_in.fill("#id_text_version", "2026-01")
    signed_in.click("button:has-text('Save')")
    expect(signed_in.locator(".messages")).to_contain_text("Contact created.")
    contact = Contact.objects.get(email="dana.omarova@example.org")
    affiliation = contact.affiliations.get()
    assert (affiliation.organisation, affiliation.position) == (organisation, "Researcher")
    assert contact.sector == "academia"
    consent = contact.consents.get()
    assert (consent.purpose, consent.granted, consent.source, consent.text_version) == (
        "forum_updates",
        True,
        "in_person",
        "2026-01",
    )
    assert consent.recorded_by == coordinator
    assert signed_in.errors == []


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_create_a_working_group_and_add_a_member(signed_in, live_server, world, viewport):
    if viewport:
        signed_in.set_viewport_size(viewport)
    member = world["contacts"][0]  # Айгерим0, found by typing Latin letters
    signed_in.goto(f"{live_server.url}/working-groups/")
    if viewport:
        no_horizontal_scroll(signed_in)
    signed_in.click("text=New working group")
    signed_in.fill("#id_title", "Accessible transport")
    signed_in.fill("#id_theme", "mobility")
    signed_in.select_option("#id_origin_forum", str(world["forums"][-1].pk))
    if viewport:
        no_horizontal_scroll(signed_in)
    signed_in.click("button:has-text('Save')")
    expect(signed_in.locator(".messages")).to_contain_text("Working group created.")
    group = WorkingGroup.objects.get(title="Accessible transport")
    assert group.programme == world["programme"]
    signed_in.click("text=Add a member")
    signed_in.fill("#q", "aigerim0")
    signed_in.click("button:has-text('Search')")
    signed_in.check(f"input[name=contact][value='{member.pk}']")
    signed_in.select_option("#id_role", "chair")
    if viewport:
        no_horizontal_scroll(signed_in)
    signed_in.click("button:has-text('Add to the group')")
    expect(signed_in.locator(".messages")).to_contain_text("joined the group")
    membership = group.memberships.get()
    assert (membership.contact_id, membership.role, membership.left_on) == (
        member.pk,
        "chair",
        None,
    )
    if viewport:
        no_horizontal_scroll(signed_in)
    assert signed_in.errors == []


def test_deleting_a_forum_in_use_is_refused_with_the_reason(signed_in, live_server, world):
    forum = world["forums"][0]
    signed_in.goto(f"{live_server.url}/forums/{forum.pk}/edit/")
    signed_in.click("a:has-text('Delete')")
    signed_in.click("#confirm-delete")
    expect(signed_in.locator("#delete-refused")).to_contain_text("participations")
    assert Forum.objects.filter(pk=forum.pk).exists()
