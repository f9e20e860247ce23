"""Provider webhooks are served only for the provider an installation uses."""

import importlib

import pytest
from django.test import Client
from django.urls import clear_url_caches

pytestmark = pytest.mark.django_db


@pytest.fixture
def mounted(settings):
    def mount(provider):
        settings.ANYMAIL = {"WEBHOOK_SECRET": "user:a-long-random-secret"}
        settings.ANYMAIL_PROVIDER = provider
        import config.urls

        importlib.reload(config.urls)
        clear_url_caches()

    yield mount
    import config.urls

    settings.ANYMAIL = {"WEBHOOK_SECRET": ""}
    settings.ANYMAIL_PROVIDER = ""
    importlib.reload(config.urls)
    clear_url_caches()


def test_only_the_configured_providers_tracking_webhook_is_served(mounted):
    """Found by a probe: every provider's endpoints were mounted, and an unconfigured one
    answered an unauthenticated POST with a server error."""
    mounted("postmark")
    client = Client()
    assert client.post("/anymail/postmark/tracking/", {}).status_code in (400, 401, 403)
    for other in ("mailgun/tracking/", "amazon_ses/tracking/", "postal/tracking/",
                  "postmark/inbound/"):  # fmt: skip
        assert client.post(f"/anymail/{other}", {}).status_code == 404, other


def test_without_a_provider_no_webhook_is_served(mounted):
    mounted("")
    assert Client().post("/anymail/postmark/tracking/", {}).status_code == 404
