"""What the Schemathesis run found, pinned down as plain tests: answers that broke the
schema's promises (or were 500s) until the schema or the code was put right."""

import datetime as dt

import pytest

from crm.services.contacts import contact_create
from crm.services.forums import forum_create, programme_create
from crm.services.participation import participation_create
from engagement.services import engagement_snapshot_compute
from outreach.services.mailings import template_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def engagement(davis):
    return engagement_snapshot_compute(as_of=dt.date(1936, 12, 31))


def test_an_error_is_json_even_when_a_csv_was_asked_for(coordinator_api):
    response = coordinator_api.get("/api/v1/engagement/contacts/", {"format": "csv"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "compute_engagement" in response.json()["detail"]


def test_score_history_as_csv_has_a_header_and_a_row_per_snapshot(coordinator_api, engagement):
    contact = next(iter(engagement.contacts.values_list("contact_id", flat=True)))
    url = f"/api/v1/engagement/contacts/{contact}/history/"
    response = coordinator_api.get(url, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "snapshot,as_of,score,level,forums_attended,missed_since_last"
    assert lines[1].startswith(f"{engagement.pk},1936-12-31,")
    assert len(lines) == 2


def test_score_history_of_nobody_is_a_404_not_an_empty_list_or_a_500(coordinator_api, engagement):
    for contact_id in (999_999, 2680330509067756879908):
        response = coordinator_api.get(f"/api/v1/engagement/contacts/{contact_id}/history/")
        assert response.status_code == 404
        assert response.json()["detail"]


def test_an_api_address_that_matches_no_route_is_a_json_404(coordinator_api, client):
    response = coordinator_api.get("/api/v1/engagement/contacts/1.5/history/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_a_follow_up_created_without_settings_gets_the_defaults(coordinator_api, db):
    forum = forum_create(programme=programme_create(name="P"), title="F", date=dt.date(2019, 4, 30))
    template = template_save(
        name="Thanks",
        purpose="forum_updates",
        translations=[
            {"language": "en", "subject": "Thanks", "body_text": "{{ unsubscribe_url }}"}
        ],
    )
    response = coordinator_api.post(
        "/api/v1/follow-ups/", {"forum": forum.pk, "template": template.pk}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["days_after"] == 3
    assert response.json()["enabled"] is True
    too_late = coordinator_api.post(
        "/api/v1/follow-ups/", {"forum": forum.pk, "template": template.pk, "days_after": 400}
    )
    assert too_late.status_code == 400


def test_a_partial_update_answers_with_the_whole_object(coordinator_api, db):
    contact = contact_create(given_name="Aigerim")
    forum = forum_create(title="Forum", date=dt.date(2019, 4, 30))
    participation = participation_create(contact=contact, forum=forum)
    response = coordinator_api.patch(
        f"/api/v1/participations/{participation.pk}/", {"status": "attended"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "attended"
    assert body["organisation_name"] is None
    assert set(body) == set(
        coordinator_api.get(f"/api/v1/participations/{participation.pk}/").json()
    )


def test_consent_recorded_before_1970_is_refused(coordinator_api, db):
    contact = contact_create(given_name="Aigerim")
    response = coordinator_api.post(
        "/api/v1/consents/",
        {
            "contact": contact.pk,
            "purpose": "forum_updates",
            "granted": True,
            "source": "form",
            "recorded_at": "0317-09-29T09:38:15+08:33",
        },
    )
    assert response.status_code == 400
    assert "recorded_at" in response.json()


def test_a_community_no_network_can_have_is_a_400_not_a_500(coordinator_api, davis):
    from network.models import NetworkSnapshot
    from network.services import analysis_parameters, network_snapshot_build

    snapshot = NetworkSnapshot.objects.create(
        trigger="command", parameters=analysis_parameters().as_dict()
    )
    network_snapshot_build(snapshot_id=snapshot.pk)
    for endpoint in ("actors", "organisations"):
        url = f"/api/v1/network/{endpoint}/"
        assert coordinator_api.get(url, {"community": "0,1"}).status_code == 200
        for community in ("877397957435413437124788092928", "-3", "1.5"):
            response = coordinator_api.get(url, {"community": community})
            assert response.status_code == 400, (endpoint, community)
            assert "community" in response.json()


def test_a_form_body_past_the_size_limit_is_a_json_413(coordinator_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = coordinator_api.post(
        "/api/v1/organisations/", {"name": "x" * 2_000, "sector": "business"}, format="multipart"
    )
    assert response.status_code == 413
    assert response.json()["detail"]
