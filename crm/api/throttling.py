"""Limits on the API: requests per user and per anonymous address (DRF's throttles), and a
pause for an address that keeps failing to authenticate (wrong tokens, no credentials), so
that guessing tokens costs hours instead of milliseconds.

Counts live in Django's cache: set CACHE_URL to Redis so that every web process shares them.
"""

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework import throttling
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import Throttled

from core.clients import client_address


class _RatesFromSettings:
    # DRF reads the rates once, when the class is defined; reading them per request lets a
    # deployment (and a test) change them through settings.
    def get_rate(self):
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].get(self.scope)

    def get_ident(self, request):
        return client_address(request) or "unknown"


class AnonymousThrottle(_RatesFromSettings, throttling.AnonRateThrottle):
    pass


class UserThrottle(_RatesFromSettings, throttling.UserRateThrottle):
    pass


def _failure_key(request) -> str:
    return f"civicnet:api:auth-failures:{client_address(request) or 'unknown'}"


def auth_failure_record(request) -> None:
    """Count a 401 against the client's address, in a fixed window that starts with the
    first failure."""
    key = _failure_key(request)
    window = settings.API_AUTH_FAILURE_WINDOW
    if cache.add(key, {"count": 1, "since": time.time()}, timeout=window):
        return
    entry = cache.get(key) or {"count": 0, "since": time.time()}
    entry["count"] += 1
    remaining = max(1, int(entry["since"] + window - time.time()))
    cache.set(key, entry, timeout=remaining)


class GatedTokenAuthentication(TokenAuthentication):
    """Token authentication, first of the classes, that first turns away an address past
    API_AUTH_FAILURE_LIMIT failures in the window: 429 with Retry-After, whatever
    credentials it sends now (a token or a session)."""

    def authenticate(self, request):
        entry = cache.get(_failure_key(request))
        if entry and entry["count"] >= settings.API_AUTH_FAILURE_LIMIT:
            wait = entry["since"] + settings.API_AUTH_FAILURE_WINDOW - time.time()
            raise Throttled(wait=max(1, int(wait) + 1))
        return super().authenticate(request)
