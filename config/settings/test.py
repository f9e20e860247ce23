"""The test suite: fast hashing, mail kept in memory, eager tasks unless a test asks otherwise.

DATABASE_URL still applies, so CI runs the same suite against PostgreSQL.
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-secret-key-with-enough-length-and-entropy-0123456789"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("TEST_MEDIA_ROOT", default="/tmp/civicnet-test-media")
# Unit tests run tasks in-process; integration tests start a real worker on the broker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = ""
CELERY_RESULT_BACKEND = None
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Always in memory: the suite clears the cache after each test, and must never flush a
# Redis that CACHE_URL (or a .env) points at.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
