"""Every page asks for the same permissions as the API: a signed-in user without a role sees
nothing (403, as the API answers), an anonymous visitor is sent to sign in, and the list
below must name every page the app has, so a new page cannot slip past these tests."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import URLPattern, reverse

from crm.models import Contact, Participation
from crm.services.forums import forum_document_create
from outreach.audience import ForumAudience
from outreach.services.mailings import mailing_create
from tests.documents import pdf_bytes, upload
from tests.factories import UserFactory
from web import urls as web_urls

pytestmark = pytest.mark.django_db


def every_page(world) -> dict[str, tuple[str, str]]:
    """URL name -> (method, url) for each of the app's views."""
    contact, forum, group = world["contacts"][1], world["forums"][0], world["group"]
    participation = Participation.objects.filter(forum=forum).first()
    document = forum_document_create(
        forum=forum, kind="programme", file=upload("programme.pdf", pdf_bytes())
    )
    mailing = mailing_create(
        name="Thanks", purpose="forum_updates", template=world["thanks"],
        audience=ForumAudience(forum=forum.pk),
    )  # fmt: skip
    return {
        "dashboard": ("get", reverse("web:dashboard")),
        "contacts": ("get", reverse("web:contacts")),
        "contact_new": ("get", reverse("web:contact_new")),
        "contact": ("get", reverse("web:contact", args=[contact.pk])),
        "contact_edit": ("get", reverse("web:contact_edit", args=[contact.pk])),
        "organisations": ("get", reverse("web:organisations")),
        "organisation": ("get", reverse("web:organisation", args=[world["organisations"][0].pk])),
        "forums": ("get", reverse("web:forums")),
        "document": ("get", document.file.url),
        "forum": ("get", reverse("web:forum", args=[forum.pk])),
        "forum_check_in": ("get", reverse("web:forum_check_in", args=[forum.pk])),
        "forum_mark_all": ("post", reverse("web:forum_mark_all", args=[forum.pk])),
        "forum_follow_up": ("post", reverse("web:forum_follow_up", args=[forum.pk])),
        "participation_mark": ("post", reverse("web:participation_mark", args=[participation.pk])),
        "forum_walk_in": ("post", reverse("web:forum_walk_in", args=[forum.pk])),
        "forum_people_add": ("get", reverse("web:forum_people_add", args=[forum.pk])),
        "forum_invite_list": ("post", reverse("web:forum_invite_list", args=[forum.pk])),
        "forum_mark_no_shows": ("post", reverse("web:forum_mark_no_shows", args=[forum.pk])),
        "participation_edit": ("post", reverse("web:participation_edit", args=[participation.pk])),
        "working_groups": ("get", reverse("web:working_groups")),
        "working_group": ("get", reverse("web:working_group", args=[group.pk])),
        "working_group_invite": ("post", reverse("web:working_group_invite", args=[group.pk])),
        "network": ("get", reverse("web:network")),
        "network_people": ("get", reverse("web:network_people") + "?q=test"),
        "network_person": ("get", reverse("web:network_person", args=[contact.pk])),
        "metric_definitions": ("get", reverse("web:metric_definitions")),
        "engagement": ("get", reverse("web:engagement")),
        "lapsed_email": ("post", reverse("web:lapsed_email")),
        "templates": ("get", reverse("web:templates")),
        "template_new": ("get", reverse("web:template_new")),
        "template_edit": ("get", reverse("web:template_edit", args=[world["thanks"].pk])),
        "template_preview": ("post", reverse("web:template_preview")),
        "mailings": ("get", reverse("web:mailings")),
        "mailing_new": ("get", reverse("web:mailing_new")),
        "audience_preview": ("post", reverse("web:audience_preview")),
        "mailing": ("get", reverse("web:mailing", args=[mailing.pk])),
        "mailing_send": ("post", reverse("web:mailing_send", args=[mailing.pk])),
        "mailing_schedule": ("post", reverse("web:mailing_schedule", args=[mailing.pk])),
        "mailing_cancel": ("post", reverse("web:mailing_cancel", args=[mailing.pk])),
        **record_pages(world, document),
    }


def record_pages(world, document) -> dict[str, tuple[str, str]]:
    """The pages that create, edit and delete records (web/views/*_records.py)."""
    contact, forum, group = world["contacts"][1], world["forums"][0], world["group"]
    programme, organisation = world["programme"], world["organisations"][0]
    affiliation = contact.affiliations.first()
    membership = group.memberships.first()
    return {
        "programme_new": ("get", reverse("web:programme_new")),
        "programme_edit": ("get", reverse("web:programme_edit", args=[programme.pk])),
        "programme_delete": ("get", reverse("web:programme_delete", args=[programme.pk])),
        "forum_new": ("get", reverse("web:forum_new")),
        "forum_edit": ("get", reverse("web:forum_edit", args=[forum.pk])),
        "forum_delete": ("get", reverse("web:forum_delete", args=[forum.pk])),
        "forum_document_delete": (
            "post", reverse("web:forum_document_delete", args=[forum.pk, document.pk]),
        ),
        "organisation_new": ("get", reverse("web:organisation_new")),
        "organisation_edit": ("get", reverse("web:organisation_edit", args=[organisation.pk])),
        "organisation_delete": (
            "get", reverse("web:organisation_delete", args=[organisation.pk]),
        ),
        "working_group_new": ("get", reverse("web:working_group_new")),
        "working_group_edit": ("get", reverse("web:working_group_edit", args=[group.pk])),
        "working_group_delete": ("get", reverse("web:working_group_delete", args=[group.pk])),
        "membership_new": ("get", reverse("web:membership_new", args=[group.pk])),
        "membership_end": ("post", reverse("web:membership_end", args=[membership.pk])),
        "affiliation_new": ("get", reverse("web:affiliation_new", args=[contact.pk])),
        "affiliation_edit": ("get", reverse("web:affiliation_edit", args=[affiliation.pk])),
        "affiliation_end": ("post", reverse("web:affiliation_end", args=[affiliation.pk])),
        "consent_new": ("get", reverse("web:consent_new", args=[contact.pk])),
    }  # fmt: skip


# Pages with a form that writes: a viewer gets 403 on them even to look, and they answer POST.
FORM_PAGES = {
    "contact_new", "contact_edit", "mailing_new", "programme_new", "programme_edit",
    "programme_delete", "forum_new", "forum_edit", "forum_delete", "organisation_new",
    "organisation_edit", "organisation_delete", "working_group_new", "working_group_edit",
    "working_group_delete", "membership_new", "affiliation_new", "consent_new",
    "forum_people_add", "template_new", "template_edit", "affiliation_edit",
}  # fmt: skip


def test_the_list_names_every_page_of_the_app(world):
    names = {p.name for p in web_urls.urlpatterns if isinstance(p, URLPattern)}
    assert names == set(every_page(world))


def test_every_view_asks_for_permissions_that_exist():
    known = {
        f"{app}.{codename}"
        for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    for pattern in web_urls.urlpatterns:
        required = pattern.callback.required_permissions
        assert required, pattern.name
        assert set(required) <= known, (pattern.name, set(required) - known)


def test_a_user_without_a_role_gets_403_everywhere_and_changes_nothing(world):
    client = Client()
    client.force_login(UserFactory(username="nobody", groups=[]))
    before = (Contact.objects.count(), list(Participation.objects.values_list("status")))
    for name, (method, url) in every_page(world).items():
        response = getattr(client, method)(url)
        assert response.status_code == 403, name
        assert "does not have the role" in response.content.decode(), name
    export = client.get(reverse("web:contacts"), {"format": "csv"})
    assert export.status_code == 403
    assert b"@example.org" not in export.content
    assert (Contact.objects.count(), list(Participation.objects.values_list("status"))) == before


def test_an_anonymous_visitor_is_sent_to_sign_in_everywhere(world):
    client = Client()
    for name, (method, url) in every_page(world).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name


def test_a_viewer_reads_every_page_and_the_api_agrees(world, viewer_client, viewer_api):
    for name, (method, url) in every_page(world).items():
        if method == "get" and name not in FORM_PAGES:
            assert viewer_client.get(url).status_code == 200, name
        elif method == "get":
            assert viewer_client.get(url).status_code == 403, name
    resources = viewer_api.get("/api/v1/").json()
    assert len(resources) > 10
    for name, url in resources.items():
        assert viewer_api.get(url).status_code == 200, name


def test_pages_that_read_answer_only_get_and_head(world, coordinator_client):
    for name, (method, url) in every_page(world).items():
        if method == "get" and name not in FORM_PAGES:
            assert coordinator_client.head(url).status_code == 200, name
            for verb in ("put", "delete", "patch", "trace"):
                assert getattr(coordinator_client, verb)(url).status_code == 405, (name, verb)
