import datetime as dt
import os

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from crm.roles import COORDINATOR, VIEWER
from crm.services.contacts import contact_create
from crm.services.forums import forum_create, programme_create
from crm.services.organisations import organisation_create
from crm.services.participation import participation_create
from tests.factories import UserFactory
from tests.network.helpers import davis_rows

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"

# Property-based tests (Hypothesis): a moderate number of examples in every run of the suite,
# new ones each time; HYPOTHESIS_PROFILE=thorough for a long run by hand. No deadline: the
# graph kernels compile on first use, and two shared cores make timings noisy. The blob
# replays a failure found in CI exactly (@reproduce_failure).
hypothesis_settings.register_profile(
    "suite", max_examples=60, derandomize=False, deadline=None, print_blob=True
)
hypothesis_settings.register_profile(
    "thorough", max_examples=3000, derandomize=False, deadline=None, print_blob=True
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


def service_unavailable(reason: str):
    """Skip on a laptop without the service; fail in CI, where the service must be there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counts live in the cache, which outlives a test's database transaction."""
    yield
    cache.clear()


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
def coordinator_client(coordinator):
    """The pages, signed in as a coordinator."""
    client = Client()
    client.force_login(coordinator)
    return client


@pytest.fixture
def viewer_client(viewer):
    client = Client()
    client.force_login(viewer)
    return client


@pytest.fixture
def token_api(coordinator):
    """A client that authenticates the way scripts do: Authorization: Token <key>."""
    client = APIClient()
    token = Token.objects.create(user=coordinator)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


SECTOR_CYCLE = ["government", "civil_society", "business"]


@pytest.fixture
def davis(db):
    """Davis's Southern Women loaded as contacts and forums through the services.

    Women get sectors in turn (government, civil society, business) and each represents
    an organisation of her sector; events are forums a week apart in their numbered order.
    """
    graph, women, events, _woman_id, _event_id, _rows = davis_rows()
    programme = programme_create(name="Davis 1936", start_year=1936, end_year=1936)
    organisations = {
        sector: organisation_create(name=f"Davis {sector}", sector=sector)
        for sector in SECTOR_CYCLE
    }
    contacts = {}
    for index, woman in enumerate(women):
        given, family = woman.split(" ", 1)
        contacts[woman] = contact_create(
            given_name=given, family_name=family, sector=SECTOR_CYCLE[index % 3]
        )
    forums = {
        event: forum_create(
            programme=programme,
            number=index + 1,
            title=f"Event {event}",
            date=dt.date(1936, 1, 1) + dt.timedelta(days=7 * index),
        )
        for index, event in enumerate(events)
    }
    for woman, event in graph.edges():
        if woman not in contacts:
            woman, event = event, woman
        contact = contacts[woman]
        participation_create(
            contact=contact,
            forum=forums[event],
            status="attended",
            organisation=organisations[contact.sector],
        )
    return {"graph": graph, "women": women, "contacts": contacts, "forums": forums}


@pytest.fixture
def smtp_sink(settings):
    """A loopback SMTP server; Django's mail goes to it for the length of the test."""
    from tests.smtp_server import SMTPSink

    with SMTPSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = sink.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        yield sink
