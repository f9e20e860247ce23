"""Start-up checks: every unsubscribe and invitation link in every e-mail points at
OUTREACH_PUBLIC_URL, so a wrong one breaks them all silently, long after sending. Said as a
warning when the server starts (``runserver``, ``manage.py check``); production settings
refuse a missing or non-https one outright (config/settings/production.py)."""

import os
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.http.request import validate_host

# The hosts Django itself accepts in DEBUG when ALLOWED_HOSTS is empty.
DEBUG_HOSTS = [".localhost", "127.0.0.1", "[::1]"]
ANY_ADDRESS = {"0.0.0.0", "::", "[::]"}


def _public_url_problems(url: str, *, allowed_hosts: list[str], serving: str | None) -> list:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [
            Warning(
                f"OUTREACH_PUBLIC_URL={url!r} is not an http(s) address: links in e-mails "
                "will not work.",
                hint="Set it to the address the app is served on, e.g. https://crm.example.org.",
                id="outreach.W001",
            )
        ]
    problems = []
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if not validate_host(host, allowed_hosts):
        problems.append(
            Warning(
                f"OUTREACH_PUBLIC_URL={url!r} names a host this app does not serve "
                f"(ALLOWED_HOSTS: {', '.join(allowed_hosts) or 'none'}): links in e-mails "
                "would be refused.",
                hint="Set OUTREACH_PUBLIC_URL to the address the app is served on, or add its "
                "host to ALLOWED_HOSTS.",
                id="outreach.W002",
            )
        )
    if serving:
        served = urlsplit(serving)
        same = (parts.hostname, parts.port or 80) == (served.hostname, served.port or 80)
        if not same and served.hostname not in ANY_ADDRESS:
            problems.append(
                Warning(
                    f"OUTREACH_PUBLIC_URL={url!r}, but the app is served on {serving}: "
                    "links in e-mails would point elsewhere.",
                    hint=f"Unset OUTREACH_PUBLIC_URL (make run then uses {serving}), or set "
                    "it to the address the app is served on.",
                    id="outreach.W003",
                )
            )
    return problems


def _served_on() -> str | None:
    """The address `make run` serves on (it passes HOST and PORT to the server)."""
    host, port = os.environ.get("HOST"), os.environ.get("PORT")
    if not host or not port:
        return None
    return f"http://{host}:{port}"


@register(Tags.compatibility)
def public_url_check(app_configs=None, **kwargs):
    allowed = list(settings.ALLOWED_HOSTS) or (DEBUG_HOSTS if settings.DEBUG else [])
    return _public_url_problems(
        settings.OUTREACH_PUBLIC_URL, allowed_hosts=allowed, serving=_served_on()
    )
