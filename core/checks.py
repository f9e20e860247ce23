"""Deployment checks (`manage.py check --deploy`) for what the product itself relies on."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.security, deploy=True)
def throttles_shared(app_configs, **kwargs):
    problems = []
    if settings.CACHES["default"]["BACKEND"] in PER_PROCESS_CACHES:
        problems.append(
            Warning(
                "Throttle and sign-in failure counts are kept per web process.",
                hint="Set CACHE_URL to Redis (redis://host:6379/1) so every process counts "
                "together.",
                id="civicnet.W001",
            )
        )
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not settings.PROXY_COUNT:
        problems.append(
            Warning(
                "Behind a proxy (SECURE_PROXY_SSL_HEADER) with PROXY_COUNT=0, every client "
                "has the proxy's address: one person's failed sign-ins pause everyone.",
                hint="Set PROXY_COUNT to the number of proxies in front of the app.",
                id="civicnet.W002",
            )
        )
    return problems
