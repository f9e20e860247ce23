"""Production: no defaults for secrets, HTTPS everywhere.

Required: SECRET_KEY (or SECRET_KEY_FILE), ALLOWED_HOSTS, DATABASE_URL and
OUTREACH_PUBLIC_URL. Behind a proxy that terminates TLS, set SECURE_PROXY_SSL_HEADER=true
so Django knows the request was HTTPS, and PROXY_COUNT.
"""

import ipaddress
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured("Set SECRET_KEY (or SECRET_KEY_FILE) for production.")
if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured("Set ALLOWED_HOSTS for production.")


def _public_url_problem(url: str) -> str | None:
    """Every unsubscribe and invitation link in every e-mail points here: a wrong value
    breaks them all silently, so production refuses to start with one."""
    if not env.str("OUTREACH_PUBLIC_URL", default=""):
        return "Set OUTREACH_PUBLIC_URL (the https:// address recipients' links point to)."
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return f"OUTREACH_PUBLIC_URL must be an https:// address, not {url!r}."
    try:
        loopback = ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        loopback = parts.hostname == "localhost"
    if loopback:
        return f"OUTREACH_PUBLIC_URL points at this machine ({url!r}), not at the public site."
    return None


_problem = _public_url_problem(OUTREACH_PUBLIC_URL)  # noqa: F405
if _problem:
    raise ImproperlyConfigured(_problem)

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
