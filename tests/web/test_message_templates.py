"""Templates written in the app: the fields beside the editor come from outreach's own list,
the checks saving makes are shown beside the field, the preview renders for a real
recipient, and a step that needs a template can send the coordinator here and back."""

import pytest
from django.urls import reverse

from outreach.models import MessageTemplate
from outreach.rendering import FIELDS
from tests.web.conftest import build_world
from tests.web.test_pages import count_queries

pytestmark = pytest.mark.django_db


def versions(**by_language) -> dict:
    """Form data for language versions: versions(en=("Subject", "Text"), ...)."""
    data = {}
    for language, (subject, text) in by_language.items():
        data[f"{language}-subject"] = subject
        data[f"{language}-body_text"] = text
    return data


def test_the_editor_lists_every_field_a_template_may_use(world, coordinator_client):
    page = coordinator_client.get(reverse("web:template_new")).content.decode()
    for name in FIELDS:
        assert f"{{{{ {name} }}}}" in page, name
    for language in ("kk", "ru", "en"):
        assert f'name="{language}-subject"' in page
        assert f'name="{language}-body_html"' in page


def test_saving_a_template_in_two_languages(world, coordinator_client):
    response = coordinator_client.post(
        reverse("web:template_new"),
        {"name": "Invite", "purpose": "working_group",
         **versions(en=("Join {{ working_group.title }}", "Hello {{ contact.given_name }}"),
                    ru=("Вступайте", "Здравствуйте, {{ contact.given_name }}"))},
    )  # fmt: skip
    assert response.status_code == 302
    assert response.url == reverse("web:templates")
    saved = MessageTemplate.objects.get(name="Invite")
    assert saved.purpose == "working_group"
    assert sorted(saved.translations.values_list("language", flat=True)) == ["en", "ru"]
    mailings = coordinator_client.get(reverse("web:mailings")).content.decode()
    assert f'href="{reverse("web:templates")}"' in mailings  # how a coordinator finds them
    listing = coordinator_client.get(reverse("web:templates")).content.decode()
    assert "Invite" in listing
    assert "Working-group invitations" in listing


def test_errors_are_shown_beside_their_field_and_nothing_is_saved(world, coordinator_client):
    before = MessageTemplate.objects.count()
    response = coordinator_client.post(
        reverse("web:template_new"),
        {"name": "Broken", "purpose": "forum_updates",
         **versions(en=("Hi {{ contact.nickname }}", "ok"), ru=("Тема", "{% if %}")),
         "kk-subject": "Тек тақырып"},
    )  # fmt: skip
    assert response.status_code == 200
    assert MessageTemplate.objects.count() == before
    form = response.context["versions"]
    errors = {v.language: v.errors for v in form}
    assert "Unknown fields: contact.nickname" in str(errors["en"]["subject"])
    assert "Template error" in str(errors["ru"]["body_text"])
    assert "required" in str(errors["kk"]["body_text"])  # a subject without a text
    assert "body_text" not in errors["en"]


def test_a_template_needs_a_language_and_a_free_name(world, coordinator_client):
    response = coordinator_client.post(
        reverse("web:template_new"), {"name": "Nothing", "purpose": "forum_updates"}
    )
    assert response.status_code == 200
    assert "Give at least one language version." in response.content.decode()
    response = coordinator_client.post(
        reverse("web:template_new"),
        {"name": world["thanks"].name, "purpose": "forum_updates", **versions(en=("a", "b"))},
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert not MessageTemplate.objects.filter(name="Nothing").exists()


def test_editing_replaces_the_versions_and_keeps_the_others_out(world, coordinator_client):
    template = world["thanks"]
    url = reverse("web:template_edit", args=[template.pk])
    page = coordinator_client.get(url).content.decode()
    assert "Спасибо, {{ contact.given_name }}" in page  # the saved version, to edit
    response = coordinator_client.post(
        url, {"name": "Thanks again", "purpose": "forum_updates",
              **versions(kk=("Рахмет", "{{ forum.title }}"))},
    )  # fmt: skip
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.name == "Thanks again"
    assert list(template.translations.values_list("language", flat=True)) == ["kk"]


def test_coming_back_to_the_step_that_needed_a_template(world, coordinator_client):
    group = world["group"]
    back = reverse("web:working_group", args=[group.pk])
    page = coordinator_client.get(back).content.decode()
    assert f"/templates/new/?purpose=working_group&amp;next={back.replace('/', '%2F')}" in page
    form = coordinator_client.get(reverse("web:template_new"), {"purpose": "working_group",
                                                                "next": back})  # fmt: skip
    assert 'value="working_group" selected' in form.content.decode()
    response = coordinator_client.post(
        reverse("web:template_new"),
        {"name": "Join", "purpose": "working_group", "next": back,
         **versions(en=("Join", "{{ accept_url }}"))},
    )  # fmt: skip
    saved = MessageTemplate.objects.get(name="Join")
    assert response.url == f"{back}?template={saved.pk}"
    page = coordinator_client.get(response.url).content.decode()
    assert f'<option value="{saved.pk}" selected>' in page


@pytest.mark.parametrize("elsewhere", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_next_never_leads_off_the_site(world, coordinator_client, elsewhere):
    response = coordinator_client.post(
        reverse("web:template_new"),
        {"name": "Safe", "purpose": "forum_updates", "next": elsewhere,
         **versions(en=("a", "b"))},
    )  # fmt: skip
    assert response.status_code == 302
    assert response.url == reverse("web:templates")


def test_the_preview_renders_each_language_for_a_real_recipient(world, coordinator_client):
    text = "{{ forum.title }} {{ unsubscribe_url }}"
    data = {"purpose": "forum_updates",
            **versions(en=("Hello {{ contact.given_name }}", text),
                       ru=("Привет, {{ contact.given_name }}", "{{ forum.title }}"))}  # fmt: skip
    page = coordinator_client.post(reverse("web:template_preview"), data).content.decode()
    english = world["contacts"][2]  # languages go ru, kk, en in the world
    assert f"Hello {english.given_name}" in page
    assert "Привет, " in page
    assert "http://127.0.0.1:8000/u/example/" in page  # an example link, on the public address
    chosen = world["contacts"][4]
    page = coordinator_client.post(
        reverse("web:template_preview"), {**data, "recipient": chosen.email}
    ).content.decode()
    assert f"Hello {chosen.given_name}" in page
    assert f"Привет, {chosen.given_name}" in page
    nobody = coordinator_client.post(
        reverse("web:template_preview"), {**data, "recipient": "zzzz nobody"}
    ).content.decode()
    assert "Nobody matches" in nobody


def test_the_preview_says_what_saving_would_refuse(world, coordinator_client):
    page = coordinator_client.post(
        reverse("web:template_preview"),
        {"purpose": "forum_updates", **versions(en=("{{ contact.nickname }}", "x"))},
    ).content.decode()
    assert "Unknown fields: contact.nickname" in page


def test_a_viewer_reads_the_list_but_cannot_write_or_preview(world, viewer_client):
    listing = viewer_client.get(reverse("web:templates")).content.decode()
    assert world["thanks"].name in listing
    assert "New template" not in listing
    assert reverse("web:template_edit", args=[world["thanks"].pk]) not in listing
    before = MessageTemplate.objects.count()
    for url in (reverse("web:template_new"),
                reverse("web:template_edit", args=[world["thanks"].pk])):  # fmt: skip
        assert viewer_client.get(url).status_code == 403
        response = viewer_client.post(
            url, {"name": "X", "purpose": "forum_updates", **versions(en=("a", "b"))}
        )
        assert response.status_code == 403
    assert viewer_client.post(reverse("web:template_preview"), {}).status_code == 403
    assert MessageTemplate.objects.count() == before
    world["thanks"].refresh_from_db()
    assert world["thanks"].name == "Thanks"


def test_bad_input_is_a_clear_answer_never_a_500(world, coordinator_client):
    huge = "9" * 25
    assert coordinator_client.get(f"/templates/{huge}/edit/").status_code == 404
    response = coordinator_client.post(
        reverse("web:template_new"),
        {"name": "x" * 300, "purpose": "nonsense", "en-subject": "s" * 400, "en-body_text": "t"},
    )
    assert response.status_code == 200
    assert not MessageTemplate.objects.filter(purpose="nonsense").exists()
    preview = coordinator_client.post(
        reverse("web:template_preview"), {"purpose": "nonsense", "recipient": huge * 20}
    )
    assert preview.status_code == 200


@pytest.mark.parametrize("name", ["templates", "template_edit", "template_preview"])
def test_template_pages_run_the_same_number_of_queries_whatever_the_data(name, coordinator_client):
    def url_and_count(world):
        data = {"purpose": "forum_updates",
                **versions(en=("Hi {{ contact.given_name }}", "{{ forum.title }}"),
                           ru=("Привет", "{{ forum.city }}"),
                           kk=("Сәлем", "{{ forum.date }}"))}  # fmt: skip
        if name == "template_preview":
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                response = coordinator_client.post(reverse("web:template_preview"), data)
                assert response.status_code == 200
            return len(queries)
        if name == "template_edit":
            return count_queries(
                coordinator_client, reverse("web:template_edit", args=[world["thanks"].pk])
            )
        return count_queries(coordinator_client, reverse("web:templates"))

    first = url_and_count(build_world(people=6, forums=3))
    assert url_and_count(build_world(people=18, forums=5, tag="-more")) == first
