"""A forum's follow-up is planned on the forum's page, with a forum-updates template
written in place when there is none, through the same service and checks as the API."""

import pytest
from django.urls import reverse

from outreach.models import FollowUp
from outreach.services.mailings import template_save
from tests.factories import ForumFactory

pytestmark = pytest.mark.django_db


def _template(purpose="forum_updates", name="Thanks"):
    return template_save(
        name=name,
        purpose=purpose,
        translations=[{"language": "en", "subject": "Thanks", "body_text": "Hello"}],
    )


def test_a_coordinator_plans_and_changes_the_follow_up(coordinator_client):
    forum = ForumFactory()
    thanks = _template()
    _template(purpose="working_group", name="Join us")
    page = coordinator_client.get(reverse("web:forum", args=[forum.pk])).content.decode()
    assert "Plan the follow-up" in page
    assert "Join us" not in page  # only templates a follow-up can be sent with
    url = reverse("web:forum_follow_up", args=[forum.pk])
    response = coordinator_client.post(
        url, {"template": thanks.pk, "days_after": 5, "enabled": "on"}
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(forum=forum)
    assert (follow_up.template_id, follow_up.days_after, follow_up.enabled) == (thanks.pk, 5, True)
    coordinator_client.post(url, {"template": thanks.pk, "days_after": 7})
    follow_up.refresh_from_db()
    assert (follow_up.days_after, follow_up.enabled) == (7, False)


def test_bad_input_is_refused_and_changes_nothing(coordinator_client):
    forum = ForumFactory()
    thanks = _template()
    url = reverse("web:forum_follow_up", args=[forum.pk])
    for data in ({"template": thanks.pk, "days_after": 400}, {"template": 99999, "days_after": 3}):
        response = coordinator_client.post(url, data, follow=True)
        assert response.status_code == 200
        assert b"error" in response.content
    assert not FollowUp.objects.exists()


def test_without_a_template_the_page_offers_to_write_one_and_comes_back(coordinator_client):
    forum = ForumFactory()
    page = coordinator_client.get(reverse("web:forum", args=[forum.pk])).content.decode()
    assert "Write a forum-updates template" in page
    assert "Plan the follow-up" not in page
    thanks = _template()
    back = coordinator_client.get(reverse("web:forum", args=[forum.pk]), {"template": thanks.pk})
    assert f'<option value="{thanks.pk}" selected>' in back.content.decode()


def test_a_viewer_sees_no_form_and_cannot_post(viewer_client):
    forum = ForumFactory()
    thanks = _template()
    page = viewer_client.get(reverse("web:forum", args=[forum.pk])).content.decode()
    assert "Plan the follow-up" not in page
    url = reverse("web:forum_follow_up", args=[forum.pk])
    assert viewer_client.post(url, {"template": thanks.pk, "days_after": 3}).status_code == 403
    assert not FollowUp.objects.exists()
