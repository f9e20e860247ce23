import pytest
from rest_framework.test import APIClient

from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = [
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
]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_nothing_is_readable_anonymously(api, endpoint):
    ContactFactory()
    response = api.get(f"/api/v1/{endpoint}/")
    assert response.status_code == 401
    assert "results" not in response.json()


def test_a_signed_in_user_without_a_role_is_refused():
    client = APIClient()
    client.force_authenticate(UserFactory(username="nobody"))
    assert client.get("/api/v1/contacts/").status_code == 403


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_viewers_read_everything(viewer_api, endpoint):
    assert viewer_api.get(f"/api/v1/{endpoint}/").status_code == 200


def test_viewers_cannot_write(viewer_api):
    contact = ContactFactory(given_name="Dinara")
    assert viewer_api.post("/api/v1/contacts/", {"given_name": "X"}).status_code == 403
    assert (
        viewer_api.patch(f"/api/v1/contacts/{contact.pk}/", {"given_name": "Y"}).status_code == 403
    )
    assert viewer_api.delete(f"/api/v1/contacts/{contact.pk}/").status_code == 403
    contact.refresh_from_db()
    assert contact.given_name == "Dinara"


def test_coordinators_read_and_write(coordinator_api):
    response = coordinator_api.post("/api/v1/contacts/", {"given_name": "Нурлан"})
    assert response.status_code == 201
    contact_id = response.json()["id"]
    assert coordinator_api.delete(f"/api/v1/contacts/{contact_id}/").status_code == 204


def test_staff_superusers_can_do_everything():
    client = APIClient()
    client.force_authenticate(UserFactory(username="root", is_superuser=True, is_staff=True))
    assert client.post("/api/v1/contacts/", {"given_name": "Root"}).status_code == 201


def test_token_authentication_works(token_api):
    assert token_api.get("/api/v1/forums/").status_code == 200


def test_a_wrong_token_is_401(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get("/api/v1/forums/").status_code == 401


def test_session_login_works(coordinator):
    client = APIClient()
    signed_in = client.post(
        "/api-auth/login/",
        {"username": "coord", "password": "secret-password-1"},
        format="multipart",
    )
    assert signed_in.status_code == 302
    assert client.get("/api/v1/contacts/").status_code == 200
