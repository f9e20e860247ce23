import datetime as dt

import pytest

from crm.services.consent import consent_record
from crm.services.contacts import contact_create
from crm.services.forums import forum_create, programme_create
from crm.services.participation import participation_create
from crm.services.working_groups import working_group_create
from outreach.services.mailings import template_save


@pytest.fixture
def forum_world(db):
    """A forum with five attendees: three may be written to; one never gave consent, one
    withdrew. Templates in Russian and English (no Kazakh: a fallback is needed)."""
    programme = programme_create(name="WeAlmaty")
    forum = forum_create(
        programme=programme,
        number=9,
        title="Accessible city",
        date=dt.date(2019, 4, 30),
        venue="Novotel",
    )
    people = {}
    for name, language, email in [
        ("Aigerim", "kk", "aigerim@example.org"),
        ("Ivan", "ru", "ivan@example.org"),
        ("Emma", "en", "emma@example.org"),
        ("Nobody", "ru", "noconsent@example.org"),
        ("Gone", "en", "gone@example.org"),
    ]:
        contact = contact_create(
            given_name=name, family_name="Test", email=email, language=language
        )
        participation_create(contact=contact, forum=forum, status="attended")
        people[name] = contact
    for name in ("Aigerim", "Ivan", "Emma", "Gone"):
        for purpose in ("forum_updates", "working_group"):
            consent_record(contact=people[name], purpose=purpose, granted=True, source="form")
    consent_record(contact=people["Gone"], purpose="forum_updates", granted=False, source="form")
    template = template_save(
        name="Thanks",
        purpose="forum_updates",
        translations=[
            {
                "language": "ru",
                "subject": "Спасибо, {{ contact.given_name }}!",
                "body_text": "Форум «{{ forum.title }}» прошёл {{ forum.date }}. "
                "Отписаться: {{ unsubscribe_url }}",
                "body_html": "<p>Спасибо, {{ contact.given_name }}!</p>",
            },
            {
                "language": "en",
                "subject": "Thank you, {{ contact.given_name }}!",
                "body_text": "Thanks for coming to {{ forum.title }} at {{ forum.venue }}. "
                "{{ unsubscribe_url }}",
            },
        ],
    )
    group = working_group_create(title="Accessibility", programme=programme, status="active")
    invitation = template_save(
        name="Join us",
        purpose="working_group",
        translations=[
            {
                "language": "en",
                "subject": "Join {{ working_group.title }}",
                "body_text": "Yes: {{ accept_url }} No: {{ decline_url }}",
            }
        ],
    )
    return {
        "forum": forum,
        "people": people,
        "template": template,
        "group": group,
        "invitation_template": invitation,
    }
