"""A message template is written once and rendered for every recipient by the workers: a
short template must not render megabytes, reveal the server, or let a recipient's own name
into the HTML unescaped. Each is refused when the template is saved, with the reason."""

import pytest

from outreach.audience import ForumAudience
from outreach.models import MessageTemplate, OutboxMessage, TemplateTranslation
from outreach.services.mailings import mailing_create, mailing_start
from outreach.services.sending.work import outbox_work

pytestmark = pytest.mark.django_db


def save(api, body_text="Hello", **fields):
    translation = {"language": "en", "subject": "Hi", "body_text": body_text, **fields}
    return api.post(
        "/api/v1/templates/",
        {"name": f"T{abs(hash(body_text)) % 10**8}", "purpose": "forum_updates",
         "translations": [translation]},
        format="json",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('{{ contact.given_name|ljust:"20000000" }}', "at most 200"),
        ('{{ contact.given_name|center:"999999" }}', "at most 200"),
        ('{{ forum.number|stringformat:"20000000d" }}', "at most 200"),
        ('{{ forum.number|floatformat:"100000" }}', "at most 20 digits"),
        ("{% lorem 9999999 w %}", "not available in messages"),
        ("{% debug %}", "not available in messages"),
        ("{% for c in contact.full_name %}{{ c }}{% endfor %}", "not available in messages"),
        ("{% load static %}", "not available in messages"),
        ("{% url 'admin:index' %}", "not available in messages"),
        ("{{ contact.full_name|safe }}", "not available in messages"),
        ("{% autoescape off %}{{ contact.full_name }}{% endautoescape %}", "not available"),
        ('{% with a="xxxxxxxxxx" %}{{ a }}{% endwith %}', "not available in messages"),
        ("{% firstof contact.secret %}", "not available in messages"),
        ("{{ contact.full_name|join:contact.full_name }}", "not available in messages"),
        ("{% filter upper %}x{% endfilter %}", "not available in messages"),
    ],
)
def test_templates_that_could_run_away_or_leak_are_refused(coordinator_api, body, reason):
    assert len(body) < 80  # each is a one-liner
    response = save(coordinator_api, body)
    assert response.status_code == 400
    assert reason in str(response.json())
    assert not MessageTemplate.objects.exists()


def test_a_value_can_never_grow_past_the_filter_bound(coordinator_api):
    """Found by a probe: joining a value with itself squared its length at each step, so
    a 155-character template rendered 100 million characters before any check. With no
    joins and every filter's output bounded, a chain grows a value to the bound at most."""
    chain = "|add:contact.full_name" * 700
    response = save(coordinator_api, "{{ contact.full_name|ljust:'200'" + chain + "|ljust:'200' }}")
    assert response.status_code == 400
    assert "made a value of" in str(response.json())


def test_a_template_that_renders_past_the_limit_is_refused(coordinator_api, settings):
    settings.OUTREACH_MAX_RENDERED_CHARS = 1000
    response = save(coordinator_api, "x" * 1001)
    assert response.status_code == 400
    assert "renders to 1,001 characters" in str(response.json())
    assert save(coordinator_api, "y" * 1000).status_code == 201


def test_reasonable_formatting_still_works(coordinator_api):
    body = '{{ contact.given_name|ljust:"20" }}|{{ forum.number|stringformat:"03d" }}'
    assert save(coordinator_api, body).status_code == 201


def test_a_message_that_still_renders_too_much_is_not_sent(forum_world, settings, mailoutbox):
    """A template saved before these limits (straight into the table) fails per message,
    with the reason, and nothing is sent."""
    template = MessageTemplate.objects.create(name="Old", purpose="forum_updates")
    TemplateTranslation.objects.create(
        template=template, language="en", subject="Hi", body_text="x" * 2000
    )
    for language in ("ru", "kk"):
        TemplateTranslation.objects.create(
            template=template, language=language, subject="Hi", body_text="x" * 2000
        )
    settings.OUTREACH_MAX_RENDERED_CHARS = 1000
    mailing = mailing_create(
        name="Old", purpose="forum_updates", template=template,
        audience=ForumAudience(forum=forum_world["forum"].pk),
    )  # fmt: skip
    settings.OUTREACH_WORKERS_PER_MAILING = 0
    mailing_start(mailing=mailing)
    outbox_work(mailing_id=mailing.pk)
    failed = OutboxMessage.objects.filter(mailing=mailing, status="failed")
    assert failed.exists()
    # In the recipient's language, as everything built for them: the figure is the same.
    assert all("2,000" in row.last_error for row in failed)
    assert mailoutbox == []


def test_names_from_outside_stay_escaped_in_the_html_part(coordinator_api, forum_world):
    from outreach.rendering import compile_translation, render

    response = save(coordinator_api, "x", body_html="<p>{{ contact.given_name }}</p>")
    assert response.status_code == 201
    translation = TemplateTranslation.objects.get(template_id=response.json()["id"])
    rendered = render(
        compile_translation(translation), {"contact": {"given_name": "<img src=x onerror=y>"}}
    )
    assert "<img" not in rendered.body_html
    assert "&lt;img" in rendered.body_html
