"""No page is wider than the window, on a laptop (1366x768) or a phone (390x844), in any of
the three languages: a page that scrolls sideways hides its right edge (often the buttons).

Every page comes from the URL conf, so a page added later is checked without touching this
file; its ids come from a seeded world full of long values (e-mail addresses, topics,
organisation names, links without a break), which is what pushes pages wide.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils.http import urlencode

from crm.models import (
    Affiliation,
    Consent,
    ContactList,
    ForumDocument,
    Participation,
    WorkingGroupMembership,
)
from crm.services.affiliations import affiliation_create
from crm.services.consent import consent_record
from crm.services.contacts import contact_create
from crm.services.forums import forum_document_create, forum_update, programme_update
from crm.services.lists import contact_list_create
from crm.services.organisations import organisation_create
from crm.services.participation import participation_create
from crm.services.working_groups import membership_create
from engagement.services import engagement_snapshot_compute
from network.models import NetworkSnapshot
from network.services import analysis_parameters, network_snapshot_build
from outreach.audience import ForumAudience
from outreach.models import Invitation
from outreach.services.invitations import invitations_send
from outreach.services.mailings import mailing_create, template_save
from outreach.tokens import invitation_token, unsubscribe_token
from tests.documents import pdf_bytes, upload
from tests.factories import UserFactory
from tests.web.conftest import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

LANGUAGES = [code for code, _name in settings.LANGUAGES]
WINDOWS = {"laptop": (1366, 768), "phone": (390, 844)}

LONG_EMAIL = (
    "aleksandra.konstantinopolskaya-vasilievna.international-cooperation"
    "@ministry-of-digital-development-and-aerospace-industry.example.kz"
)
LONG_LINK = (
    "https://www.example.kz/documents/2024/forum-materials/presentations/"
    "sustainable-urban-mobility-and-public-transport-accessibility-final-version.pdf"
    "?utm_source=civicnet&utm_campaign=forum-follow-up"
)
LONG_ORGANISATION = (
    "Республиканское общественное объединение «Ассоциация развития гражданского общества"
    " и устойчивого городского планирования Алматинской агломерации»"
)
LONG_TOPICS = [
    "устойчивая-городская-мобильность-и-доступность-общественного-транспорта",
    "sustainable-urban-mobility-and-public-transport-accessibility",
    "қоғамдық-көлік-қолжетімділігі",
]
LONG_WORD = "Градостроительно-экологическо-транспортно-инфраструктурный"


def build_wide_world() -> dict:
    """The page tests' world, plus one of everything with values as long as real ones get."""
    world = build_world()
    forum, group = world["forums"][-1], world["group"]
    programme_update(programme=world["programme"], data={"name": f"{LONG_WORD} 2017–2020"})
    organisation = organisation_create(
        name=LONG_ORGANISATION, sector="civil_society", city="Алматы", website=LONG_LINK,
        description=f"{LONG_WORD} {LONG_LINK}",
    )  # fmt: skip
    contact = contact_create(
        given_name="Александра-Анастасия", family_name="Константинопольская-Водопьянова",
        patronymic="Владимировна", email=LONG_EMAIL, city="Усть-Каменогорск", language="kk",
        tags=LONG_TOPICS, notes=f"{LONG_WORD} {LONG_LINK}",
    )  # fmt: skip
    affiliation_create(
        contact=contact, organisation=organisation, is_primary=True,
        position=f"{LONG_WORD} {LONG_WORD}", start_date=dt.date(2017, 1, 1),
    )  # fmt: skip
    for purpose in ("forum_updates", "working_group"):
        consent_record(contact=contact, purpose=purpose, granted=True, source="form")
    for other in world["forums"]:
        participation_create(contact=contact, forum=other, status="attended")
    forum_update(
        forum=forum,
        data={
            "title": f"{LONG_WORD}: {LONG_TOPICS[0]}",
            "objective": f"{LONG_WORD} {LONG_LINK}",
            "outcome": f"{LONG_LINK} {LONG_WORD}",
            "venue": LONG_ORGANISATION,
            "partners": [{"organisation": organisation, "role": "partner"}],
        },
    )
    forum_document_create(forum=forum, kind="programme", title=LONG_WORD, url=LONG_LINK)
    forum_document_create(
        forum=forum, kind="protocol", file=upload(f"{LONG_WORD}.pdf", pdf_bytes())
    )
    text = f"{{{{ contact.given_name }}}} {LONG_WORD} {LONG_LINK} {{{{ unsubscribe_url }}}}"
    template = template_save(
        name=LONG_WORD, purpose="forum_updates",
        translations=[
            {"language": language, "subject": f"{LONG_WORD} {{{{ forum.title }}}}",
             "body_text": text, "body_html": f"<p>{text}</p>"}
            for language in LANGUAGES
        ],
    )  # fmt: skip
    mailing = mailing_create(
        name=LONG_WORD, purpose="forum_updates", template=template,
        audience=ForumAudience(forum=forum.pk),
    )  # fmt: skip
    invitee = world["contacts"][1]
    consent_record(contact=invitee, purpose="working_group", granted=True, source="form")
    invitations_send(working_group=group, contacts=[invitee, contact], template=world["invite"])
    membership_create(working_group=group, contact=contact, role="member")  # after accepting
    contact_list_create(name=LONG_WORD, contacts=[contact, invitee], description=LONG_LINK)
    # The snapshots again, now that the long-named people and organisations take part.
    engagement_snapshot_compute()
    snapshot = NetworkSnapshot.objects.create(
        trigger="command", parameters=analysis_parameters().as_dict()
    )
    network_snapshot_build(snapshot_id=snapshot.pk)
    return {
        **world, "contact": contact, "organisation": organisation, "forum": forum,
        "mailing": mailing, "invitation": Invitation.objects.get(contact=contact),
    }  # fmt: skip


def ids_by_kind(world) -> dict[str, object]:
    """What to put in each kind of URL part, the long-valued rows where there are some.
    Keys are what a route calls the thing: its keyword (`<forum_id>`, `<language>`) or, for
    `<pk>`, the path segment before it (`working-groups/<pk>`), read by `_kind`."""
    contact, forum, group, template = (
        world["contact"], world["forum"], world["group"], world["mailing"].template
    )  # fmt: skip
    contact_list = ContactList.objects.get(name=LONG_WORD)
    rows = {
        (
            "contact",
            "person",
            "people",
            "attendee",
            "candidate",
            "broker",
            "member",
            "recipient",
            "actor",
            "node",
        ): contact,
        ("organisation", "organization", "org", "partner"): world["organisation"],
        ("forum", "event"): forum,
        ("programme", "program"): world["programme"],
        ("workinggroup", "group"): group,
        ("participation", "registration"): Participation.objects.get(contact=contact, forum=forum),
        ("affiliation",): Affiliation.objects.get(contact=contact),
        ("membership",): WorkingGroupMembership.objects.get(contact=contact),
        ("consent",): Consent.objects.filter(contact=contact).first(),
        ("mailing",): world["mailing"],
        ("template", "messagetemplate"): template,
        ("translation", "templatetranslation"): template.translations.get(language="kk"),
        ("invitation",): world["invitation"],
        ("list", "contactlist", "savedlist", "audience"): contact_list,
        ("snapshot", "networksnapshot"): NetworkSnapshot.objects.latest("pk"),
        ("document", "forumdocument"): ForumDocument.objects.filter(forum=forum)
        .exclude(file="")
        .get(),
    }
    words = {
        ("language", "lang"): "kk",  # the longest labels
        ("purpose",): "forum_updates",
        ("sector",): "civil_society",
        ("answer",): "accept",
    }
    return {
        kind: getattr(value, "pk", value)
        for table in (rows, words)
        for kinds, value in table.items()
        for kind in kinds
    }


def _kind(word: str) -> str:
    """`working-groups` and `working_group_pk` alike: `workinggroup`."""
    word = word.lower().replace("-", "").replace("_", "")
    for suffix in ("pk", "id"):
        if word.endswith(suffix) and word != suffix:
            word = word[: -len(suffix)]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _fill(route: str, ids: dict) -> str:
    """The route (`forums/<int:pk>/edit/`) with values from the world in its <...> parts."""
    parts, previous = [], ""
    for segment in route.strip("/").split("/"):
        if segment.startswith("<") and segment.endswith(">"):
            name = segment[1:-1].split(":")[-1]
            if name == "name" and _kind(previous) == "file":  # a stored file's own name
                value = ForumDocument.objects.get(pk=ids["document"]).file.name
            else:
                kind = _kind(previous if name in ("pk", "id") else name)
                if kind not in ids:
                    raise LookupError(
                        f"route {route!r}: nothing to put in <{name}> (read as {kind!r}):"
                        f" add it to ids_by_kind in {__file__}, and the row to build_wide_world"
                    )
                value = ids[kind]
            segment = str(value)
        parts.append(segment)
        previous = segment
    return "/" + "/".join(parts) + ("/" if route.endswith("/") and parts else "")


def app_routes(patterns=None, prefix: str = "") -> list[str]:
    """Every route of the web app (the `web` namespace of the URL conf), as text."""
    if patterns is None:
        (app,) = [
            p for p in get_resolver().url_patterns
            if isinstance(p, URLResolver) and p.namespace == "web"
        ]  # fmt: skip
        prefix, patterns = str(app.pattern), app.url_patterns
    routes = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        assert isinstance(pattern.pattern, RoutePattern), f"{route}: use path(), not re_path()"
        if isinstance(pattern, URLResolver):
            routes += app_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            routes.append(route)
    return routes


def pages_to_check(browser, live_server, world) -> tuple[list[str], dict[str, str]]:
    """The app's URLs that answer GET with a whole page, and why the others are left out
    (they need POST, they lead elsewhere, or they are a download or a fragment for htmx)."""
    ids = ids_by_kind(world)
    urls = [_fill(route, ids) for route in app_routes()]
    urls += [
        "/contacts/?" + urlencode({"search": "Константинопольская"}),
        "/network/?" + urlencode({"focus": world["contact"].pk}),
    ]
    coordinator = UserFactory(groups=["coordinator"])
    context = signed_in_context(browser, live_server, coordinator, "en", "laptop")
    pages, left_out = [], {}
    try:
        for url in urls:
            answer = context.request.get(live_server.url + url, max_redirects=0)
            kind = answer.headers.get("content-type", "")
            if answer.status in (400, 405):
                left_out[url] = f"{answer.status}: needs POST, or input"
            elif 300 <= answer.status < 400:
                left_out[url] = f"leads to {answer.headers.get('location')}"
            elif answer.status != 200:
                raise AssertionError(
                    f"GET {url} answered {answer.status} to a coordinator: give the route"
                    f" real values in ids_by_kind ({__file__})"
                )
            elif not kind.startswith("text/html"):
                left_out[url] = f"a download ({kind})"
            elif 'class="topbar"' not in answer.text():
                left_out[url] = "a fragment, not a page"
            else:
                pages.append(url)
    finally:
        context.close()
    return pages, left_out


def signed_in_context(browser, live_server, user, language: str, window: str):
    """A browser context in the language, at the window's size, signed in as the user
    (None: signed out) without going through the login form each time."""
    width, height = WINDOWS[window]
    context = browser.new_context(viewport={"width": width, "height": height}, locale=language)
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language}]
    if user is not None:
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session})
    context.add_cookies([{**cookie, "url": live_server.url} for cookie in cookies])
    return context


# The width of the document against the window's, and what sticks out past the right edge
# (innermost first, and not inside a box that scrolls or clips it): the elements to fix.
WIDTH_REPORT = """() => {
  const edge = document.documentElement.clientWidth;
  const held = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const overflow = getComputedStyle(p).overflowX;
      if (overflow !== 'visible' && p.getBoundingClientRect().right <= edge + 1) return true;
    }
    return false;
  };
  // An element's own box, or the text that spills out of it (a word that cannot break).
  const right = (el) => {
    const box = el.getBoundingClientRect();
    const visible = getComputedStyle(el).overflowX === 'visible';
    return box.right + (visible ? Math.max(0, el.scrollWidth - el.clientWidth) : 0);
  };
  const wide = [...document.body.querySelectorAll('*')].filter((el) =>
    el.getBoundingClientRect().width > 0 && right(el) > edge + 1 && !held(el));
  const innermost = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    [...el.classList].map((c) => '.' + c).join('');
  return {
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: edge,
    innerWidth: window.innerWidth,
    lang: document.documentElement.lang,
    culprits: innermost.slice(0, 5).map((el) =>
      `${name(el)} to ${Math.round(right(el))}px: "${(el.textContent || '').trim().slice(0, 50)}"`),
  };
}"""


def too_wide(page, url: str, language: str, status: int = 200) -> list[str]:
    """Open the URL; what is wider than the window there, if anything."""
    response = page.goto(url, wait_until="load")
    assert response.status == status, f"{url}: {response.status}"
    return too_wide_here(page, url, language)


def too_wide_here(page, label: str, language: str) -> list[str]:
    # One frame for scripts that lay out on load (charts, the explorer's panels).
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))")
    report = page.evaluate(WIDTH_REPORT)
    assert report["lang"] == language, f"{label} is in {report['lang']!r}, not {language!r}"
    # A vertical scroll bar takes its width from the window: what must fit is the rest.
    if report["scrollWidth"] <= min(report["clientWidth"], report["innerWidth"]):
        return []
    culprits = "; ".join(report["culprits"]) or "no single element found"
    return [f"{label}: {report['scrollWidth']}px in a {report['clientWidth']}px window; {culprits}"]


def signed_out_pages(world) -> list[str]:
    """Pages met without signing in: the login, and the pages links in e-mails open."""
    contact, invitation = world["contact"], world["invitation"]
    unsubscribe = unsubscribe_token(contact_id=contact.pk, purpose="forum_updates", message_id=None)
    return [
        "/login/",
        f"/u/{unsubscribe}/",
        f"/i/{invitation_token(invitation_id=invitation.pk, answer='accept')}/",
        f"/i/{invitation_token(invitation_id=invitation.pk, answer='decline')}/",
    ]


@pytest.fixture
def wide_world(transactional_db):
    return build_wide_world()


@pytest.mark.parametrize("window", WINDOWS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_is_wider_than_the_window(browser, live_server, wide_world, language, window):
    pages, left_out = pages_to_check(browser, live_server, wide_world)
    assert len(pages) >= 15, (pages, left_out)  # the enumeration found the app's pages
    people = {
        "signed out": None,
        "coordinator": UserFactory(groups=["coordinator"]),
        "viewer": UserFactory(groups=["viewer"]),  # the read-only notice on every page
        "no role": UserFactory(groups=[]),
    }
    visits = {
        "signed out": [(url, 200) for url in signed_out_pages(wide_world)],
        "coordinator": [(url, 200) for url in pages],
        "viewer": [("/", 200), ("/contacts/?format=csv", 403)],  # an export refused
        "no role": [("/contacts/", 403)],  # the page they meet everywhere
    }
    problems = []
    for who, user in people.items():
        context = signed_in_context(browser, live_server, user, language, window)
        try:
            page = context.new_page()
            for url, status in visits[who]:
                problems += too_wide(page, live_server.url + url, language, status)
            if who == "coordinator" and window == "phone":  # and the menu, opened
                page.goto(live_server.url + "/")
                page.click("label.menu-button")
                problems += too_wide_here(page, "/ (menu open)", language)
        finally:
            context.close()
    assert problems == [], f"{len(problems)} pages too wide:\n" + "\n".join(problems)
