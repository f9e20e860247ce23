"""Outreach as a coordinator does it, through the pages only: write a working-group template
in English and Russian from the step that needs it, invite two suggested candidates, and
email the lapsed regulars after confirming the number; the outcomes are checked in the
database."""

import pytest
from playwright.sync_api import expect

from crm.models import ContactList, ContactListMember
from crm.services.consent import consent_record
from outreach.models import Invitation, Mailing, MessageTemplate, OutboxMessage

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_write_a_template_in_place_and_invite_two_candidates(
    signed_in, live_server, world, smtp_sink
):
    page, group = signed_in, world["group"]
    willing = world["contacts"][1]
    consent_record(contact=willing, purpose="working_group", granted=True, source="form")
    page.goto(f"{live_server.url}/working-groups/{group.pk}/")
    # The candidates' consent shows before anyone is invited.
    expect(page.locator(".candidate-consent").first).to_be_visible()
    page.click("#new-template")
    expect(page.locator("#id_purpose")).to_have_value("working_group")
    # The editor fits a phone: no page wider than the window.
    page.set_viewport_size({"width": 390, "height": 844})
    wider = "() => document.documentElement.scrollWidth > window.innerWidth"
    assert not page.evaluate(wider)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.fill("#id_name", "Join the group")
    page.fill("#id_en-subject", "Join {{ working_group.title }}")
    page.fill(
        "#id_en-body_text", "Dear {{ contact.given_name }}, {{ accept_url }} {{ decline_url }}"
    )
    page.fill("#id_ru-subject", "Присоединяйтесь: {{ working_group.title }}")
    page.fill("#id_ru-body_text", "{{ contact.given_name }}, {{ accept_url }}")
    # The live preview renders both languages for real people.
    expect(page.locator("#template-preview")).to_contain_text("Присоединяйтесь: ")
    expect(page.locator("#template-preview")).to_contain_text("Join ")
    # A field that does not exist is refused beside its field, and nothing is saved.
    page.fill("#id_en-subject", "Join {{ working_group.name }}")
    page.click("button:has-text('Save')")
    expect(page.locator("#version-en")).to_contain_text("Unknown fields: working_group.name")
    assert not MessageTemplate.objects.filter(name="Join the group").exists()
    page.fill("#id_en-subject", "Join {{ working_group.title }}")
    page.click("button:has-text('Save')")
    page.wait_for_url(f"{live_server.url}/working-groups/{group.pk}/?template=*")
    template = MessageTemplate.objects.get(name="Join the group")
    assert sorted(template.translations.values_list("language", flat=True)) == ["en", "ru"]
    expect(page.locator("#template")).to_have_value(str(template.pk))

    boxes = page.locator("input[name=contacts]")
    chosen = [int(boxes.nth(i).get_attribute("value")) for i in range(2)]
    if willing.pk not in chosen:
        page.check(f"input[name=contacts][value='{willing.pk}']")
        page.check(f"input[name=contacts][value='{chosen[0]}']")
        chosen = [willing.pk, chosen[0]]
    else:
        for pk in chosen:
            page.check(f"input[name=contacts][value='{pk}']")
    page.click("button:has-text('Invite the selected')")
    expect(page.locator(".messages")).to_contain_text("2 invited")
    invitations = Invitation.objects.filter(working_group=group)
    assert sorted(invitations.values_list("contact_id", flat=True)) == sorted(chosen)
    rows = OutboxMessage.objects.filter(invitation__in=invitations)
    assert rows.count() == 2
    assert rows.get(contact=willing).status == "sent"
    other = rows.exclude(contact=willing).get()
    assert (other.status, other.reason) == ("suppressed", "no_consent")
    expect(page.locator("body")).to_contain_text("E-mail not sent: No consent for this purpose")
    assert smtp_sink.handler.distinct() == 1


def test_email_the_lapsed_regulars_after_confirming(signed_in, live_server, world, smtp_sink):
    page = signed_in
    page.goto(f"{live_server.url}/engagement/?missed=1")
    expect(page.locator("#lapsed-age")).to_contain_text("not counted")
    page.click("button:has-text('Email them')")
    page.wait_for_url(f"{live_server.url}/mailings/new/*")
    # Only the chosen audience kind's fields show.
    expect(page.locator(".field-contact_list")).to_be_visible()
    expect(page.locator(".field-forum")).to_be_hidden()
    expect(page.locator(".field-working_group")).to_be_hidden()
    page.select_option("#id_template", str(world["thanks"].pk))
    expect(page.locator("#audience-count")).to_be_visible()
    page.click("button:has-text('Continue')")
    expect(page.locator("#will-receive")).to_be_visible()
    expected = int(page.inner_text("#will-receive"))
    page.click("#send-now")
    confirm = page.locator("#send-confirm")
    expect(confirm).to_contain_text(f"Yes, send to {expected}")
    assert not OutboxMessage.objects.exists()  # nothing before confirming
    confirm.click()
    expect(page.locator("#progress")).to_have_attribute("aria-valuenow", "100", timeout=20_000)
    expect(page.locator("#result-sent")).to_have_text(str(expected))
    contact_list = ContactList.objects.get()
    mailing = Mailing.objects.get()
    assert mailing.status == "done"
    members = ContactListMember.objects.filter(contact_list=contact_list).count()
    assert OutboxMessage.objects.filter(mailing=mailing).count() == members
    assert OutboxMessage.objects.filter(mailing=mailing, status="sent").count() == expected
    # "Email them" again: the same list, not a second identical one.
    page.goto(f"{live_server.url}/engagement/?missed=1")
    page.click("button:has-text('Email them')")
    page.wait_for_url(f"{live_server.url}/mailings/new/*")
    assert ContactList.objects.count() == 1
    expect(page.locator("#id_contact_list")).to_have_value(str(contact_list.pk))
