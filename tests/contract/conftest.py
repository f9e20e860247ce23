"""A small but real world for the contract test, built once per module.

Generated requests reach real rows only if ids and filters have something to find: a
programme with forums at set times, people with and without organisations, sectors and
e-mail addresses, participations of every status, a working group, consents, templates,
mailings and computed network and engagement snapshots. The world is built inside one
transaction that is rolled back when the module ends, so no other test sees it.
"""

import datetime as dt
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core import signals
from django.db import close_old_connections, transaction
from django.test.utils import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.views import APIView

from crm.models.choices import ParticipationStatus
from crm.roles import COORDINATOR
from crm.services.affiliations import affiliation_create
from crm.services.consent import consent_record
from crm.services.contacts import contact_create
from crm.services.forums import forum_create, forum_document_create, programme_create
from crm.services.lists import contact_list_create
from crm.services.organisations import organisation_create
from crm.services.participation import participation_create
from crm.services.working_groups import membership_create, working_group_create
from engagement.services import engagement_snapshot_compute
from network.models import NetworkSnapshot
from network.services import analysis_parameters, network_snapshot_build
from outreach.audience import ForumAudience, LapsedAudience
from outreach.services.bounces import bounce_record
from outreach.services.invitations import invitations_send
from outreach.services.mailings import (
    follow_up_set,
    mailing_cancel,
    mailing_create,
    mailing_start,
    template_save,
)
from outreach.services.sending.work import outbox_work
from tests.factories import UserFactory

from .counts import CONTRACT_COUNTS
from .references import WORLD_IDS

START = dt.date(2018, 3, 1)


def world_build() -> str:
    """Build the world; return the coordinator's API token."""
    coordinator = UserFactory(username="contract-coordinator", groups=[COORDINATOR])
    token = Token.objects.create(user=coordinator)
    organisations = {
        sector: organisation_create(name=name, sector=sector, city="Almaty")
        for sector, name in [
            ("government", "Akimat of Almaty"),
            ("civil_society", "Eco Almaty"),
            ("business", "Kazakh Tourism Association"),
            ("academia", "Satbayev University"),
            ("international", "Delegation of the EU"),
        ]
    }
    programme = programme_create(
        name="WeAlmaty Dialogue Platform",
        funder=organisations["international"],
        start_year=2018,
        end_year=2020,
        city="Almaty",
        sector_targets={"government": 0.2, "civil_society": 0.3, "business": 0.2},
    )
    # Times with and without seconds, and a forum with no times at all.
    times = [
        (dt.time(10, 0), dt.time(13, 30)),
        (dt.time(9, 30, 15), dt.time(18, 0)),
        (None, None),
        (dt.time(14, 0), None),
        (dt.time(11, 0), dt.time(12, 45)),
        (dt.time(10, 0), dt.time(16, 0)),
    ]
    forums = [
        forum_create(
            programme=programme,
            number=index + 1,
            title=f"Forum {index + 1}",
            date=START + dt.timedelta(days=60 * index),
            start_time=start,
            end_time=end,
            city="Almaty",
            venue="Novotel",
            capacity=40,
            partners=[{"organisation": organisations["business"], "role": "host"}],
        )
        for index, (start, end) in enumerate(times)
    ]
    forum_document_create(
        forum=forums[0], kind="protocol", title="Protocol", url="https://example.org/p.pdf"
    )

    people = []
    sectors = ["government", "civil_society", "business", "academia", None]
    for index in range(15):
        sector = sectors[index % len(sectors)]
        contact = contact_create(
            given_name=f"Person{index}",
            family_name="Тестова" if index % 2 else "Test",
            # Every fourth person has no e-mail address.
            email=None if index % 4 == 3 else f"person{index}@example.org",
            phone="+77011234567" if index % 3 == 0 else "",
            city="Almaty",
            language=["ru", "kk", "en"][index % 3],
            # Half the people have a sector only through their organisation, some none.
            sector=sector if index % 2 else None,
            tags=["tourism"] if index % 2 else [],
        )
        if sector and index < 10:
            affiliation_create(
                contact=contact,
                organisation=organisations[sector],
                position="Expert",
                start_date=dt.date(2015, 1, 1),
                is_primary=True,
            )
        people.append(contact)

    # Regulars who came to the first forums and lapsed, regulars who keep coming,
    # newcomers, and one person of every status at the last forum.
    for person in people[:6]:
        for forum in forums[:3]:
            participation_create(contact=person, forum=forum, status="attended")
    for person in people[6:10]:
        for forum in forums:
            participation_create(contact=person, forum=forum, status="attended", role="speaker")
    last = [*people[10:], people[0]]
    for person, status in zip(last, ParticipationStatus.values, strict=True):
        participation_create(contact=person, forum=forums[-1], status=status)
    participation_create(contact=people[14], forum=forums[-2], status="no_show")

    group = working_group_create(
        title="Tourism brand", theme="tourism", origin_forum=forums[1], status="active"
    )
    membership_create(working_group=group, contact=people[6], role="chair")
    membership_create(working_group=group, contact=people[7])
    membership_create(
        working_group=group,
        contact=people[8],
        joined_on=dt.date(2018, 6, 1),
        left_on=dt.date(2019, 1, 1),
    )

    for person in people[:12]:
        consent_record(contact=person, purpose="forum_updates", granted=True, source="form")
        consent_record(
            contact=person,
            purpose="working_group",
            granted=True,
            source="in_person",
            recorded_by=coordinator,
        )
    consent_record(contact=people[2], purpose="forum_updates", granted=False, source="link")

    network = NetworkSnapshot.objects.create(
        trigger="command", parameters=analysis_parameters().as_dict()
    )
    network_snapshot_build(snapshot_id=network.pk)
    # One snapshot in the past, and today's (the default one).
    engagement_snapshot_compute(as_of=START + dt.timedelta(days=200))
    engagement_snapshot_compute()

    updates = template_save(
        name="Thanks",
        purpose="forum_updates",
        translations=[
            {"language": "ru", "subject": "Спасибо", "body_text": "{{ unsubscribe_url }}"},
            {"language": "en", "subject": "Thanks", "body_text": "{{ unsubscribe_url }}"},
        ],
    )
    invitation_template = template_save(
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
    mailing_create(
        name="After forum 6",
        purpose="forum_updates",
        template=updates,
        audience=ForumAudience(forum=forums[-1].pk, statuses=("attended",)),
    )
    sent = mailing_create(
        name="After forum 1",
        purpose="forum_updates",
        template=updates,
        audience=ForumAudience(forum=forums[0].pk),
    )
    mailing_start(mailing=sent)
    outbox_work(mailing_id=sent.pk)  # to Django's locmem outbox
    cancelled = mailing_create(
        name="Never mind", purpose="forum_updates", template=updates, audience=LapsedAudience()
    )
    mailing_cancel(mailing=cancelled)
    follow_up_set(forum=forums[-1], template=updates, days_after=3)
    invitations_send(working_group=group, contacts=people[9:11], template=invitation_template)
    bounce_record("person5@example.org")
    bounce_record("person1@example.org", complaint=True)
    contact_list_create(name="Speakers", contacts=people[6:10], created_by=coordinator)

    return token.key


@contextmanager
def connections_kept_open():
    """Schemathesis calls the real WSGI handler, whose request signals would close the
    database connection (it is not in autocommit inside the test's transaction) and with it
    the world; Django's own test client disconnects them the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def world_token(django_db_setup, django_db_blocker):
    """The coordinator's token for a world built once for the module, inside a transaction
    rolled back at its end.

    Each test's own transaction (pytest-django) nests inside it as a savepoint. Rate limits
    are off: thousands of requests a minute from one token would otherwise be answered 429
    (documented on every operation, so the run would pass while testing nothing). DRF
    binds its throttle classes when the views are imported, hence the patch rather than
    a setting.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        mock.patch.object(APIView, "get_throttles", return_value=[]),
        connections_kept_open(),
        transaction.atomic(),
    ):
        try:
            token = world_build()
            WORLD_IDS.start()
            yield token
        finally:
            WORLD_IDS.stop()
            transaction.set_rollback(True)


def pytest_terminal_summary(terminalreporter):
    if CONTRACT_COUNTS.operations:
        terminalreporter.write_line(CONTRACT_COUNTS.summary())
