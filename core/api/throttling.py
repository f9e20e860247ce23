"""Limits on the API: requests per user and per anonymous address (DRF's throttles), and a
pause for an address that keeps sending wrong tokens, so that guessing tokens costs hours
instead of milliseconds.

Counts live in Django's cache: set CACHE_URL to Redis so that every web process shares them.
"""

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework import throttling
from rest_framework.authentication import TokenAuthentication, get_authorization_header
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


def _failure_keys(request) -> tuple[str, str]:
    address = client_address(request) or "unknown"
    return f"civicnet:api:auth-failures:{address}", f"civicnet:api:auth-failures-since:{address}"


def auth_failure_record(request) -> None:
    """Count a failed authentication (credentials that were given and are wrong) against
    the client's address, in a fixed window that starts with the first failure. The count
    goes up atomically (the cache's own increment), so parallel guesses are all counted."""
    count_key, since_key = _failure_keys(request)
    window = settings.API_AUTH_FAILURE_WINDOW
    cache.add(since_key, time.time(), timeout=window)
    cache.add(count_key, 0, timeout=window)
    try:
        cache.incr(count_key)
    except ValueError:  # the window ended between the two calls: this failure starts one
        cache.set(since_key, time.time(), timeout=window)
        cache.set(count_key, 1, timeout=window)


def _paused_for(request) -> int | None:
    count_key, since_key = _failure_keys(request)
    count = cache.get(count_key) or 0
    if count < settings.API_AUTH_FAILURE_LIMIT:
        return None
    since = cache.get(since_key) or time.time()
    return max(1, int(since + settings.API_AUTH_FAILURE_WINDOW - time.time()) + 1)


class GatedTokenAuthentication(TokenAuthentication):
    """Token authentication that first turns away a token from an address past
    API_AUTH_FAILURE_LIMIT failed tokens in the window: 429 with Retry-After, whether this
    token is right or wrong (answering a right one would tell the guesser it is right).
    Requests without a token are not paused and do not count: an anonymous request learns
    nothing, and counting them would let any web page lock an office out of the API by
    making its browsers fetch it."""

    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if words and words[0].lower() == self.keyword.lower().encode():
            wait = _paused_for(request)
            if wait is not None:
                raise Throttled(wait=wait)
        return super().authenticate(request)
