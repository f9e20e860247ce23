"""Guessing is slow: wrong passwords lock the user name for that address, wrong tokens pause
the address, and the API limits how fast anyone may ask. Every pause says when to retry."""

import datetime as dt
import secrets

import pytest
from axes.models import AccessAttempt
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGN_IN_PAGES = ["/login/", "/admin/login/", "/api-auth/login/"]


@pytest.fixture
def staff(db):
    return UserFactory(username="coord", is_staff=True, groups=["coordinator"])


def sign_in(client, url, password):
    return client.post(url, {"username": "coord", "password": password})


@pytest.mark.parametrize("url", SIGN_IN_PAGES)
def test_thirty_wrong_passwords_lock_the_account_for_that_address(staff, settings, url):
    client = Client(REMOTE_ADDR="203.0.113.7")
    answers = [sign_in(client, url, f"guess-{i}").status_code for i in range(30)]
    limit = settings.AXES_FAILURE_LIMIT
    assert set(answers[: limit - 1]) == {200}  # the form again, with its error
    assert answers[limit - 1] == 429  # the failure that reaches the limit is refused too
    assert set(answers[limit:]) == {429}
    locked = sign_in(client, url, "secret-password-1")
    assert locked.status_code == 429  # even the right password waits
    assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_address_and_ends_after_the_cool_off(staff, settings):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for i in range(settings.AXES_FAILURE_LIMIT + 2):
        sign_in(attacker, "/login/", f"guess-{i}")
    colleague = Client(REMOTE_ADDR="198.51.100.20")
    assert sign_in(colleague, "/login/", "secret-password-1").status_code == 302

    AccessAttempt.objects.update(
        attempt_time=dt.datetime.now(dt.UTC) - settings.AXES_COOLOFF_TIME - dt.timedelta(1)
    )
    assert sign_in(attacker, "/login/", "secret-password-1").status_code == 302


def test_a_hundred_random_tokens_are_paused_after_the_limit(staff, settings):
    client = APIClient(REMOTE_ADDR="203.0.113.7")
    answers = []
    for _ in range(100):
        client.credentials(HTTP_AUTHORIZATION=f"Token {secrets.token_hex(20)}")
        answers.append(client.get("/api/v1/contacts/"))
    limit = settings.API_AUTH_FAILURE_LIMIT
    assert {r.status_code for r in answers[:limit]} == {401}
    assert {r.status_code for r in answers[limit:]} == {429}
    assert 0 < int(answers[-1]["Retry-After"]) <= settings.API_AUTH_FAILURE_WINDOW
    # The paused address is turned away even with a real token...
    real = Token.objects.create(user=staff)
    client.credentials(HTTP_AUTHORIZATION=f"Token {real.key}")
    assert client.get("/api/v1/contacts/").status_code == 429
    # ...while everyone else is served as usual.
    other = APIClient(REMOTE_ADDR="198.51.100.20")
    other.credentials(HTTP_AUTHORIZATION=f"Token {real.key}")
    assert other.get("/api/v1/contacts/").status_code == 200


def test_requests_without_credentials_neither_count_nor_pause_anyone(staff, settings):
    """Found by a probe: when anonymous 401s counted, any web page could lock an office
    out of the API by making its browsers load an image from it."""
    client = APIClient(REMOTE_ADDR="203.0.113.7")
    assert {client.get("/api/v1/contacts/").status_code for _ in range(30)} == {401}
    real = Token.objects.create(user=staff)
    client.credentials(HTTP_AUTHORIZATION=f"Token {real.key}")
    assert client.get("/api/v1/contacts/").status_code == 200


def test_wrong_tokens_sent_in_parallel_are_all_counted(settings):
    from concurrent.futures import ThreadPoolExecutor

    from django.test import RequestFactory
    from rest_framework.exceptions import AuthenticationFailed

    from core.api.exceptions import exception_handler

    request = RequestFactory().get("/api/v1/contacts/", REMOTE_ADDR="203.0.113.7")
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda _: exception_handler(AuthenticationFailed(), {"request": request}),
                      range(100)))  # fmt: skip
    from django.core.cache import cache

    assert cache.get("civicnet:api:auth-failures:203.0.113.7") == 100


def test_the_addresses_of_one_ipv6_network_count_together(settings):
    settings.API_AUTH_FAILURE_LIMIT = 3
    for host in range(1, 4):
        client = APIClient(REMOTE_ADDR=f"2001:db8:1:2::{host}")
        client.credentials(HTTP_AUTHORIZATION=f"Token {secrets.token_hex(20)}")
        assert client.get("/api/v1/contacts/").status_code == 401
    neighbour = APIClient(REMOTE_ADDR="2001:db8:1:2:ffff::9")
    neighbour.credentials(HTTP_AUTHORIZATION=f"Token {secrets.token_hex(20)}")
    assert neighbour.get("/api/v1/contacts/").status_code == 429


def test_a_forwarded_address_is_believed_only_behind_a_configured_proxy(settings):
    settings.API_AUTH_FAILURE_LIMIT = 3

    def guess(client, **headers):
        client.credentials(HTTP_AUTHORIZATION=f"Token {secrets.token_hex(20)}")
        return client.get("/api/v1/contacts/", **headers).status_code

    spoofing = APIClient(REMOTE_ADDR="203.0.113.7")
    for i in range(5):  # a new made-up address each time cannot escape the pause
        guess(spoofing, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")
    assert guess(spoofing) == 429

    settings.PROXY_COUNT = 1
    proxied = APIClient(REMOTE_ADDR="192.0.2.1")  # the proxy itself
    for _ in range(5):
        guess(proxied, HTTP_X_FORWARDED_FOR="forged, 198.51.100.9")
    assert guess(proxied, HTTP_X_FORWARDED_FOR="198.51.100.10") == 401
    assert guess(proxied, HTTP_X_FORWARDED_FOR="anything, 198.51.100.9") == 429


def test_each_user_has_a_request_rate(staff, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "5/minute"},
    }
    client = APIClient()
    client.force_authenticate(staff)
    answers = [client.get("/api/v1/forums/") for _ in range(7)]
    assert [r.status_code for r in answers] == [200] * 5 + [429] * 2
    assert int(answers[-1]["Retry-After"]) > 0
    assert "throttled" in answers[-1].json()["detail"].lower()


def test_a_forwarded_value_that_is_not_an_address_is_ignored(staff, settings):
    """A misconfigured proxy chain must not let a made-up value reach the lockout table
    (PostgreSQL would refuse it, and the sign-in would fail with a server error)."""
    settings.PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="not-an-address")
    for i in range(settings.AXES_FAILURE_LIMIT):
        assert sign_in(client, "/login/", f"guess-{i}").status_code in (200, 429)
    assert AccessAttempt.objects.get().ip_address == "192.0.2.1"


def test_a_login_made_in_code_has_no_address_and_is_still_logged(staff):
    from axes.models import AccessLog

    client = Client()
    client.force_login(staff)  # a request built in code: no REMOTE_ADDR
    assert client.get("/").status_code == 200
    assert AccessLog.objects.get(username="coord").ip_address is None
