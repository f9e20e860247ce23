"""A coordinator's day from start to finish, through the pages only, in each of English,
Russian and Kazakh (chosen from the page's language menu): create a programme and a forum,
register three people found by searching, check two in on a phone, write a forum-updates
template, write a working-group template in place and invite two suggested candidates, and
e-mail the lapsed regulars after confirming the number. After each job the outcome is checked
in the database; throughout, no response is a server error and no page is wider than the
window. The selectors are the language-neutral ones (ids, names, URLs) so the same steps run
in every language."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from crm.models import ContactList, ContactListMember, Forum, Participation, Programme
from outreach.models import Invitation, Mailing, MessageTemplate, OutboxMessage

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
GREETING = {"en": "Hello", "ru": "Здравствуйте", "kk": "Сәлеметсіз бе"}


class Watch:
    """Every response the page gets, so a server error anywhere in the day is seen."""

    def __init__(self, page):
        self.page = page
        self.server_errors: list[str] = []
        page.on("response", self._response)

    def _response(self, response):
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.request.method} {response.url}")

    def fits(self):
        """The page now shown is no wider than the window."""
        wide = self.page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
        assert not wide, f"wider than the window: {self.page.url}"


def choose_language(page, live_server, language: str) -> None:
    page.goto(f"{live_server.url}/")
    if page.evaluate("() => document.documentElement.lang") != language:
        with page.expect_navigation():
            page.select_option("#language", language)
    assert page.evaluate("() => document.documentElement.lang") == language


def save(page) -> None:
    page.click("main .actions button.primary")


def search_and_tick(page, query: str, name: str) -> None:
    page.fill("#people-q", query)
    choice = page.locator("#people-matches .pick", has_text=name)
    expect(choice).to_have_count(1)
    choice.locator("input[type=checkbox]").check()


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_a_coordinators_day(signed_in, live_server, world, smtp_sink, language):
    page, base = signed_in, live_server.url
    watch = Watch(page)
    page.set_viewport_size(DESKTOP)
    choose_language(page, live_server, language)
    watch.fits()
    tag = f"{language}-day"

    # A programme, from the forums page.
    page.goto(f"{base}/forums/")
    watch.fits()
    page.click("main a[href='/programmes/new/']")
    watch.fits()
    page.fill("#id_name", f"Programme {tag}")
    page.fill("#id_start_year", "2026")
    page.fill("#id_end_year", "2028")
    page.fill("#id_sector_targets_government", "20")
    page.fill("#id_sector_targets_business", "15")
    save(page)
    expect(page.locator(".messages")).to_be_visible()
    watch.fits()
    programme = Programme.objects.get(name=f"Programme {tag}")
    assert programme.sector_targets == {"government": 0.2, "business": 0.15}
    assert page.evaluate("() => document.documentElement.lang") == language

    # A forum in it, today, with a host.
    page.goto(f"{base}/forums/")
    page.click("main a[href='/forums/new/']")
    watch.fits()
    page.select_option("#id_programme", str(programme.pk))
    page.fill("#id_number", "1")
    page.fill("#id_title", f"Forum {tag}")
    page.fill("#id_date", timezone.localdate().isoformat())
    page.fill("#id_start_time", "10:00")
    page.fill("#id_end_time", "13:00")
    page.fill("#id_venue", "KBTU")
    page.fill("#id_capacity", "20")
    page.select_option("#id_partners-0-organisation", str(world["organisations"][0].pk))
    page.select_option("#id_partners-0-role", "host")
    save(page)
    page.wait_for_url(re.compile(r".*/forums/\d+/$"))
    watch.fits()
    forum = Forum.objects.get(title=f"Forum {tag}")
    assert (forum.programme_id, forum.date, forum.capacity) == (
        programme.pk,
        timezone.localdate(),
        20,
    )
    assert page.url == f"{base}/forums/{forum.pk}/"
    assert list(forum.partner_links.values_list("role", flat=True)) == ["host"]

    # Three people registered, found by the name search on the forum's people section.
    people = {c.given_name: c for c in world["contacts"]}
    aigerim, ivan, marat = people["Айгерим0"], people["Ivan1"], people["Marat3"]
    page.click("#add-people summary")
    search_and_tick(page, "aigerim0", "Айгерим0")
    search_and_tick(page, "ivan1", "Ivan1")
    search_and_tick(page, "marat3", "Marat3")
    expect(page.locator("#people-matches input[type=checkbox]:checked")).to_have_count(3)
    watch.fits()
    page.select_option("#people-status", "registered")
    page.click("#add-selected")
    expect(page.locator("#seats")).to_contain_text("3 / 20")
    watch.fits()
    registered = Participation.objects.filter(forum=forum, status="registered")
    assert sorted(registered.values_list("contact_id", flat=True)) == sorted(
        [aigerim.pk, ivan.pk, marat.pk]
    )

    # Two checked in from a phone.
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/forums/{forum.pk}/check-in/")
    watch.fits()
    expect(page.locator("#far-away")).to_have_count(0)
    for contact in (ivan, marat):
        page.fill("#q", contact.given_name)
        participation = Participation.objects.get(forum=forum, contact=contact)
        row = page.locator(f"#participation-{participation.pk}")
        expect(page.locator(".checkin-row")).to_have_count(1)
        row.locator("button.primary").click()
        expect(row.locator("button.undo")).to_be_visible()
        watch.fits()
    attended = Participation.objects.filter(forum=forum, status="attended")
    assert sorted(attended.values_list("contact_id", flat=True)) == sorted([ivan.pk, marat.pk])
    assert Participation.objects.get(forum=forum, contact=aigerim).status == "registered"
    page.set_viewport_size(DESKTOP)

    # A forum-updates template, written in the three languages.
    page.goto(f"{base}/templates/new/")
    watch.fits()
    page.fill("#id_name", f"We miss you {tag}")
    page.select_option("#id_purpose", "forum_updates")
    for code, greeting in GREETING.items():
        page.fill(f"#id_{code}-subject", f"{greeting}, {{{{ contact.given_name }}}}")
        page.fill(f"#id_{code}-body_text", f"{greeting} {{{{ unsubscribe_url }}}}")
    expect(page.locator("#template-preview")).to_contain_text(GREETING[language])
    watch.fits()
    save(page)
    page.wait_for_url(lambda url: "/templates/new/" not in url)
    watch.fits()
    updates = MessageTemplate.objects.get(name=f"We miss you {tag}")
    assert updates.purpose == "forum_updates"
    assert sorted(updates.translations.values_list("language", flat=True)) == ["en", "kk", "ru"]

    # Two suggested candidates invited to a working group, with a template written in place.
    group = world["group"]
    page.goto(f"{base}/working-groups/{group.pk}/")
    watch.fits()
    page.click("#new-template")
    expect(page.locator("#id_purpose")).to_have_value("working_group")
    watch.fits()
    page.fill("#id_name", f"Join us {tag}")
    page.fill(f"#id_{language}-subject", "{{ working_group.title }}")
    page.fill(
        f"#id_{language}-body_text",
        f"{GREETING[language]} {{{{ contact.given_name }}}} {{{{ accept_url }}}}",
    )
    save(page)
    page.wait_for_url(f"{base}/working-groups/{group.pk}/?template=*")
    watch.fits()
    invite = MessageTemplate.objects.get(name=f"Join us {tag}")
    assert (invite.purpose, list(invite.translations.values_list("language", flat=True))) == (
        "working_group",
        [language],
    )
    expect(page.locator("#template")).to_have_value(str(invite.pk))
    boxes = page.locator("input[name=contacts]")
    chosen = [int(boxes.nth(i).get_attribute("value")) for i in range(2)]
    for pk in chosen:
        page.check(f"input[name=contacts][value='{pk}']")
    page.click(f"form[action='/working-groups/{group.pk}/invite/'] button.primary")
    expect(page.locator(".messages")).to_be_visible()
    watch.fits()
    invitations = Invitation.objects.filter(working_group=group)
    assert sorted(invitations.values_list("contact_id", flat=True)) == sorted(chosen)
    rows = OutboxMessage.objects.filter(invitation__in=invitations)
    assert rows.count() == 2
    # None has consent to working-group mail in this world: recorded, not sent.
    assert set(rows.values_list("status", "reason")) == {("suppressed", "no_consent")}

    # The lapsed regulars e-mailed with that template, after confirming the number.
    mailings_before = set(Mailing.objects.values_list("pk", flat=True))
    page.goto(f"{base}/engagement/?missed=1")
    watch.fits()
    page.click("form[action='/engagement/lapsed/email/'] button[type=submit]")
    page.wait_for_url(f"{base}/mailings/new/*")
    watch.fits()
    page.select_option("#id_template", str(updates.pk))
    expect(page.locator("#audience-count")).to_be_visible()
    save(page)
    expect(page.locator("#will-receive")).to_be_visible()
    watch.fits()
    expected = int(page.inner_text("#will-receive"))
    assert expected > 0
    page.click("#send-now")
    confirm = page.locator("#send-confirm")
    expect(confirm).to_contain_text(str(expected))
    mailing = Mailing.objects.exclude(pk__in=mailings_before).get()
    assert not OutboxMessage.objects.filter(mailing=mailing).exists()  # nothing before yes
    confirm.click()
    expect(page.locator("#progress")).to_have_attribute("aria-valuenow", "100", timeout=20_000)
    expect(page.locator("#result-sent")).to_have_text(str(expected))
    watch.fits()
    mailing.refresh_from_db()
    assert (mailing.status, mailing.template_id) == ("done", updates.pk)
    members = ContactListMember.objects.filter(contact_list=ContactList.objects.get()).count()
    assert OutboxMessage.objects.filter(mailing=mailing).count() == members
    assert OutboxMessage.objects.filter(mailing=mailing, status="sent").count() == expected
    assert smtp_sink.handler.distinct() == expected

    assert page.evaluate("() => document.documentElement.lang") == language
    assert watch.server_errors == []
    assert page.errors == []
