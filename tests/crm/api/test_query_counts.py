"""List endpoints run a constant number of queries, whatever the page size."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.models import Contact
from crm.services.affiliations import affiliation_create
from crm.services.consent import consent_record
from crm.services.lists import contact_list_create
from tests.factories import (
    ContactFactory,
    ForumFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProgrammeFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db
ROWS = 30


@pytest.fixture
def busy_world():
    """ROWS of everything, each row with the relations a list shows."""
    programme = ProgrammeFactory()
    forums = [ForumFactory(programme=programme) for _ in range(ROWS)]
    organisations = [OrganisationFactory() for _ in range(ROWS)]
    for i in range(ROWS):
        contact = ContactFactory()
        contact.tags.add(f"topic{i % 4}", "shared")
        affiliation_create(contact=contact, organisation=organisations[i], is_primary=True)
        affiliation_create(contact=contact, organisation=organisations[(i + 1) % ROWS])
        consent_record(contact=contact, purpose="forum_updates", granted=True, source="form")
        ParticipationFactory(contact=contact, forum=forums[i], organisation=organisations[i])
        ParticipationFactory(contact=contact, forum=forums[(i + 1) % ROWS], status="no_show")
        forums[i].partner_links.create(organisation=organisations[i], role="host")
        forums[i].documents.create(kind="programme", url=f"https://example.org/{i}.pdf")
        MembershipFactory(working_group=WorkingGroupFactory(), contact=contact)
    return {"date": dt.date.today()}


def _queries(client, url, page_size):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(page_size, response.json()["count"])
    return len(captured)


@pytest.mark.parametrize(
    "endpoint",
    [
        "organisations",
        "contacts",
        "affiliations",
        "programmes",
        "forums",
        "forum-documents",
        "participations",
        "working-groups",
        "working-group-memberships",
        "consents",
    ],
)
def test_list_queries_do_not_grow_with_the_page(token_api, busy_world, endpoint):
    url = f"/api/v1/{endpoint}/"
    small = _queries(token_api, url, 2)
    large = _queries(token_api, url, ROWS)
    assert small == large
    # Token and permissions (3), count, page, and at most a few prefetches.
    assert large <= 9


def test_filtered_contact_list_stays_constant(token_api, busy_world):
    url = "/api/v1/contacts/?search=given&sector=civil_society&tag=shared"
    assert _queries(token_api, url, 2) == _queries(token_api, url, ROWS)


def test_a_saved_lists_members_stay_constant(token_api, busy_world):
    saved = contact_list_create(name="Everyone", contacts=Contact.objects.all())
    url = f"/api/v1/contact-lists/{saved.pk}/members/"
    small, large = _queries(token_api, url, 2), _queries(token_api, url, ROWS)
    assert small == large
    assert large <= 9
