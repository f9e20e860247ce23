"""Headers on every answer: a strict Content-Security-Policy, and no caching of pages that
show people's data (checked here without a browser; tests/e2e checks the policy breaks
nothing)."""

import pytest

from tests.web.test_access import every_page

pytestmark = pytest.mark.django_db


def test_every_page_and_api_answer_is_private_and_not_stored(world, coordinator_client):
    urls = [url for method, url in every_page(world).values() if method == "get"]
    urls += ["/api/v1/contacts/?format=json", "/api/v1/network/actors/", "/contacts/?format=csv"]
    for url in urls:
        response = coordinator_client.get(url)
        assert response.status_code == 200, url
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache_control, url
        assert "script-src 'self'" in response["Content-Security-Policy"], url


def test_the_login_page_carries_the_policy_too(client):
    response = client.get("/login/")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
