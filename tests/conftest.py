import os

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from crm.roles import COORDINATOR, VIEWER
from tests.factories import UserFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def service_unavailable(reason: str):
    """Skip on a laptop without the service; fail in CI, where the service must be there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture
def api():
    return APIClient()


def _client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    client.user = user
    return client


@pytest.fixture
def coordinator(db):
    return UserFactory(username="coord", groups=[COORDINATOR])


@pytest.fixture
def viewer(db):
    return UserFactory(username="view", groups=[VIEWER])


@pytest.fixture
def coordinator_api(coordinator):
    return _client_for(coordinator)


@pytest.fixture
def viewer_api(viewer):
    return _client_for(viewer)


@pytest.fixture
def token_api(coordinator):
    """A client that authenticates the way scripts do: Authorization: Token <key>."""
    client = APIClient()
    token = Token.objects.create(user=coordinator)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
