"""A small dialogue platform for the page tests: forums, people from several sectors,
attendance, consents, a working group, templates, and computed engagement and network."""

import datetime as dt

import pytest

from crm.services.affiliations import affiliation_create
from crm.services.consent import consent_record
from crm.services.contacts import contact_create
from crm.services.forums import forum_create, programme_create
from crm.services.organisations import organisation_create
from crm.services.participation import participation_create
from crm.services.working_groups import membership_create, working_group_create
from engagement.services import engagement_snapshot_compute
from network.models import NetworkSnapshot
from network.services import analysis_parameters, network_snapshot_build
from outreach.services.mailings import template_save

SECTORS = ["government", "civil_society", "business", "academia", "media"]
NAMES = ["Айгерим", "Ivan", "Дина", "Marat", "Әлия", "Sarah", "Нурлан", "Olga", "Ерлан", "Tom"]


def build_world(people: int = 10, forums: int = 4, tag: str = "") -> dict:
    programme = programme_create(
        name=f"WeAlmaty{tag}", start_year=2017, end_year=2020,
        sector_targets={"government": 0.2, "business": 0.2},
    )  # fmt: skip
    organisations = [
        organisation_create(name=f"Org {sector}{tag}", sector=sector, city="Almaty")
        for sector in SECTORS
    ]
    events = [
        forum_create(programme=programme, number=i + 1, title=f"Forum {i + 1}",
                     date=dt.date(2018, 1, 10) + dt.timedelta(days=60 * i), venue="KBTU")
        for i in range(forums)
    ]  # fmt: skip
    contacts = []
    for i in range(people):
        contact = contact_create(
            given_name=f"{NAMES[i % len(NAMES)]}{i}", family_name="Test",
            email=f"person{i}{tag}@example.org", language=("ru", "kk", "en")[i % 3],
        )  # fmt: skip
        affiliation_create(
            contact=contact, organisation=organisations[i % len(organisations)],
            is_primary=True, start_date=dt.date(2017, 1, 1),
        )  # fmt: skip
        consent_record(contact=contact, purpose="forum_updates", granted=True, source="form")
        for number, forum in enumerate(events):
            # Most people come to most forums; the others registered and did not come.
            status = "attended" if (i + number) % 3 != 2 else "registered"
            participation_create(contact=contact, forum=forum, status=status)
        contacts.append(contact)
    group = working_group_create(
        title=f"Tourism brand{tag}", theme="tourism", programme=programme, origin_forum=events[-1]
    )
    membership_create(working_group=group, contact=contacts[0], role="chair")
    thanks = template_save(
        name=f"Thanks{tag}", purpose="forum_updates",
        translations=[
            {"language": "ru", "subject": "Спасибо, {{ contact.given_name }}",
             "body_text": "{{ forum.title }} {{ unsubscribe_url }}"},
            {"language": "en", "subject": "Thank you, {{ contact.given_name }}",
             "body_text": "{{ forum.title }} {{ unsubscribe_url }}"},
        ],
    )  # fmt: skip
    invite = template_save(
        name=f"Join us{tag}", purpose="working_group",
        translations=[{"language": "en", "subject": "Join {{ working_group.title }}",
                       "body_text": "{{ accept_url }} {{ decline_url }} {{ unsubscribe_url }}"}],
    )  # fmt: skip
    engagement_snapshot_compute()
    snapshot = NetworkSnapshot.objects.create(
        trigger="command", parameters=analysis_parameters().as_dict()
    )
    network_snapshot_build(snapshot_id=snapshot.pk)
    return {
        "programme": programme, "forums": events, "contacts": contacts,
        "organisations": organisations, "group": group, "thanks": thanks, "invite": invite,
    }  # fmt: skip


@pytest.fixture
def world(db):
    return build_world()
