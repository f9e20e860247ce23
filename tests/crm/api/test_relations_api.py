"""Affiliations, participations, working groups, memberships and consents over the API."""

import pytest

from crm.models import Affiliation
from tests.factories import (
    AffiliationFactory,
    ContactFactory,
    ForumFactory,
    OrganisationFactory,
    ParticipationFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db


def test_affiliation_lifecycle_keeps_history(coordinator_api):
    contact = ContactFactory()
    ngo = OrganisationFactory(name="Green Almaty", sector="civil_society")
    firm = OrganisationFactory(name="Alatau Tech Hub", sector="business")
    first = coordinator_api.post(
        "/api/v1/affiliations/",
        {
            "contact": contact.pk,
            "organisation": ngo.pk,
            "is_primary": True,
            "start_date": "2016-01-01",
        },
    ).json()
    second = coordinator_api.post(
        "/api/v1/affiliations/",
        {
            "contact": contact.pk,
            "organisation": firm.pk,
            "is_primary": True,
            "start_date": "2019-03-01",
        },
    )
    assert second.status_code == 201, second.content
    ended = coordinator_api.post(
        f"/api/v1/affiliations/{first['id']}/end/", {"end_date": "2019-02-28"}
    )
    assert ended.status_code == 200
    assert ended.json()["is_current"] is False
    assert ended.json()["is_primary"] is False
    again = coordinator_api.post(f"/api/v1/affiliations/{first['id']}/end/", {})
    assert again.status_code == 400
    listed = coordinator_api.get("/api/v1/affiliations/", {"contact": contact.pk}).json()
    assert listed["count"] == 2
    current = coordinator_api.get(
        "/api/v1/affiliations/", {"contact": contact.pk, "current": "true"}
    ).json()
    assert [a["organisation_name"] for a in current["results"]] == ["Alatau Tech Hub"]
    past = coordinator_api.get(
        "/api/v1/affiliations/", {"contact": contact.pk, "current": "false"}
    ).json()
    assert [a["organisation_name"] for a in past["results"]] == ["Green Almaty"]
    assert coordinator_api.get(f"/api/v1/contacts/{contact.pk}/").json()["sector"] == "business"


def test_deleting_an_affiliation_recomputes_the_sector(coordinator_api):
    affiliation = AffiliationFactory(organisation=OrganisationFactory(sector="media"))
    from crm.services.contacts import contact_sector_refresh

    contact_sector_refresh(contact_ids=[affiliation.contact_id])
    assert coordinator_api.delete(f"/api/v1/affiliations/{affiliation.pk}/").status_code == 204
    assert coordinator_api.get(f"/api/v1/contacts/{affiliation.contact_id}/").json()["sector"] == ""
    assert not Affiliation.objects.exists()


def test_participation_defaults_to_the_organisation_of_the_day(coordinator_api):
    contact = ContactFactory()
    AffiliationFactory(
        contact=contact, organisation=OrganisationFactory(name="KBTU", sector="academia")
    )
    forum = ForumFactory(date="2018-04-26")
    response = coordinator_api.post(
        "/api/v1/participations/",
        {"contact": contact.pk, "forum": forum.pk, "role": "speaker", "status": "attended"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["organisation_name"], body["sector"], body["forum_date"]) == (
        "KBTU",
        "academia",
        "2018-04-26",
    )


def test_participation_filters(coordinator_api):
    forum = ForumFactory()
    gov = OrganisationFactory(sector="government")
    ParticipationFactory(forum=forum, role="speaker", status="attended", organisation=gov)
    ParticipationFactory(forum=forum, role="participant", status="no_show")
    ParticipationFactory(role="moderator", status="attended")

    def count(**params):
        return coordinator_api.get("/api/v1/participations/", params).json()["count"]

    assert count(forum=forum.pk) == 2
    assert count(status="attended") == 2
    assert count(role=["speaker", "moderator"]) == 2
    assert count(sector="government") == 1
    assert count(forum=forum.pk, status="no_show") == 1


def test_working_group_and_memberships(coordinator_api):
    forum = ForumFactory(number=9)
    group = coordinator_api.post(
        "/api/v1/working-groups/",
        {"title": "Accessibility and inclusion", "origin_forum": forum.pk, "status": "active"},
    )
    assert group.status_code == 201, group.content
    assert group.json()["programme"] == forum.programme_id
    contact = ContactFactory()
    membership = coordinator_api.post(
        "/api/v1/working-group-memberships/",
        {"working_group": group.json()["id"], "contact": contact.pk, "role": "chair"},
    )
    assert membership.status_code == 201, membership.content
    twice = coordinator_api.post(
        "/api/v1/working-group-memberships/",
        {"working_group": group.json()["id"], "contact": contact.pk},
    )
    assert twice.status_code == 400
    assert "already a member" in str(twice.json())
    group_body = coordinator_api.get(f"/api/v1/working-groups/{group.json()['id']}/").json()
    assert group_body["member_count"] == 1
    left = coordinator_api.patch(
        f"/api/v1/working-group-memberships/{membership.json()['id']}/",
        {"left_on": "2000-01-01"},
    )
    assert left.status_code == 400  # before joining
    left = coordinator_api.patch(
        f"/api/v1/working-group-memberships/{membership.json()['id']}/",
        {"left_on": "2099-01-01"},
    )
    assert left.status_code == 200
    assert (
        coordinator_api.get(f"/api/v1/working-groups/{group.json()['id']}/").json()["member_count"]
        == 0
    )


def test_consent_withdrawal_is_a_new_record_and_the_latest_wins(coordinator_api):
    contact = ContactFactory()
    for granted in (True, False):
        response = coordinator_api.post(
            "/api/v1/consents/",
            {
                "contact": contact.pk,
                "purpose": "forum_updates",
                "granted": granted,
                "source": "form",
            },
        )
        assert response.status_code == 201
        assert response.json()["recorded_by"] == "coord"
    assert coordinator_api.get("/api/v1/consents/", {"contact": contact.pk}).json()["count"] == 2
    body = coordinator_api.get(f"/api/v1/contacts/{contact.pk}/").json()
    assert body["consent"]["forum_updates"] is False


def test_working_group_filter_by_origin_forum(coordinator_api):
    forum = ForumFactory()
    WorkingGroupFactory(origin_forum=forum)
    WorkingGroupFactory()
    response = coordinator_api.get("/api/v1/working-groups/", {"origin_forum": forum.pk})
    assert response.json()["count"] == 1
