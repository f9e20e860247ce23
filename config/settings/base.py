"""Settings shared by every environment; everything that differs comes from the environment.

Every variable has a default that works with no set-up at all: an SQLite file, e-mail printed
to the console, and (in the local settings) tasks on an embedded broker. Point DATABASE_URL at
PostgreSQL and CELERY_BROKER_URL at Redis for a real deployment.
"""

import datetime
import tempfile
from pathlib import Path

import environ
from csp.constants import NONE, SELF

from core import task_names

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env is convenient for development; real deployments set the environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def env_secret(name: str, default=environ.Env.NOTSET):
    """Read NAME, or the file named by NAME_FILE (Docker/Kubernetes secrets)."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text().strip()
    return env.str(name, default=default)


DEBUG = env.bool("DEBUG", default=False)
# Empty here on purpose: local.py supplies a development key, production.py insists on one.
SECRET_KEY = env_secret("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "phonenumber_field",
    "taggit",
    "axes",
    "csp",
    "anymail",
]
# Ours: each is a package in pyproject.toml's list (a test holds them to it).
LOCAL_APPS = [
    "core",
    "crm",
    "network",
    "engagement",
    "outreach",
    "web",
    "tasks",  # worker commands (worker_health); the Celery app itself is tasks.celery
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# Everything the pages load is served from here (no CDN), so the policy allows only our own
# origin: no inline scripts, event handlers or style attributes (static/web/app.js applies
# what used to be inline), no plugins, no framing, forms posting only to ourselves.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Swagger UI and the admin draw some icons from data: URLs.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "login"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.PrivatePagesMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records which user made each change in the history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: answers a locked-out sign-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context_processors.role",
            ],
        },
    },
]

# --- Cache --------------------------------------------------------------------------------
# Throttle counts live here. The default is per process; production sets CACHE_URL to Redis
# (redis://127.0.0.1:6379/1) so that every web process counts together.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# --- Database ----------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while the worker beside it writes; the busy timeout
    # turns brief lock contention into a short wait instead of "database is locked". A
    # transaction takes the write lock when it begins (IMMEDIATE): one that began as a
    # reader and then writes cannot wait for the lock (SQLite refuses at once), which
    # made a page's save fail while the worker stored a snapshot.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ----------------------------------------------------------------------------------
# django-axes first: it refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in pages (the app, the admin, the API's browsable login): after LOGIN_FAILURE_LIMIT
# wrong passwords for one user name from one address, that pair waits LOGIN_LOCKOUT_MINUTES
# (429 with Retry-After). Keyed on the pair, so that nobody can lock a colleague out from
# elsewhere; counted in the database, so every web process agrees.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.clients.client_address"
# Trusted reverse proxies in front of the app (X-Forwarded-For is believed this far only).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
# Viewers read everything on screen; files of people's details (the contacts CSV, engagement
# and lapsed lists by name) are for coordinators unless this allows viewers too
# (crm.roles.may_export_personal_data, asked by the pages and the API alike).
VIEWERS_MAY_EXPORT = env.bool("VIEWERS_MAY_EXPORT", default=False)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский"), ("kk", "Қазақ тілі")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Almaty")
USE_I18N = True
USE_TZ = True

# Phone numbers written without a country code are read as Kazakh numbers.
PHONENUMBER_DEFAULT_REGION = env.str("PHONENUMBER_DEFAULT_REGION", default="KZ")
PHONENUMBER_DB_FORMAT = "E164"

# --- Static and uploaded files -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
# Front-end libraries come from npm (package.json, package-lock.json; `make install` runs
# `npm ci`) and are served from here with the app: no CDN, nothing copied by hand.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS += [
    (f"vendor/{name}", NODE_MODULES / package / "dist")
    for name, package in (
        ("chart.js", "chart.js"),
        ("graphology", "graphology"),
        ("htmx", "htmx.org"),
        ("sigma", "sigma"),
    )
    if (NODE_MODULES / package / "dist").is_dir()
]
# Uploaded documents' URLs lead to a view that checks permissions and serves downloads
# (web.views.documents); no web server may expose MEDIA_ROOT itself.
MEDIA_URL = "/files/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Forum documents (programmes, protocols) are PDFs and office files, not videos.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FORUM_DOCUMENT_MAX_BYTES = env.int("FORUM_DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)
# Behind nginx, the internal location that maps to MEDIA_ROOT (e.g. /protected-files/): the
# app checks who asks and nginx sends the file. Empty: the app streams it itself.
DOCUMENTS_ACCEL_REDIRECT = env.str("DOCUMENTS_ACCEL_REDIRECT", default="")

# --- E-mail --------------------------------------------------------------------------------
# django-environ's EMAIL_URL form, e.g. smtp://user:pass@127.0.0.1:1025, smtp+tls://... or
# consolemail://; each setting it decides is named here (Django's defaults where it has none).
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_SSL_CERTFILE = _email.get("OPTIONS", {}).get("SSL_CERTFILE")
EMAIL_SSL_KEYFILE = _email.get("OPTIONS", {}).get("SSL_KEYFILE")
EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]  # filemail:///path
# Seconds to wait for each SMTP reply. Django's default is to wait forever; a sender must
# hear back well within half of OUTREACH_LEASE_SECONDS (see outreach.services.sending).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Civicnet <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery --------------------------------------------------------------------------------
# Empty broker: tasks run in-process (eager). The local settings (`make run`) put an embedded
# broker there instead (config/settings/local.py); with a broker URL a worker runs them.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged only after it finished, so a killed worker's task is redelivered;
# tasks are therefore written to be safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker outlives a broker outage of any length: it reconnects for ever (Celery's default
# gives up after 100 attempts, some 50 minutes, and the worker exits), also at start-up and
# after channel errors. Work lost with the broker's queue comes back from the database: the
# periodic sweeps, and a sweep the worker sends each time it (re)connects (tasks.health).
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CHANNEL_ERROR_RETRY = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis hands an unacknowledged task to another worker after this long; it must exceed
    # the longest countdown (the recompute debounce). A task running longer than this (a
    # long mailing) may then run twice at once, which the database's claims make harmless.
    "visibility_timeout": 3600,
    "socket_connect_timeout": 5,
    "socket_keepalive": True,
}
# A running task keeps running while the worker reconnects: it needs the database and the
# SMTP server, not the broker, and cancelling a send would stop it at the worst moment. Its
# message is acknowledged late or redelivered, and tasks are safe to run twice.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Results are stored in Redis too: wait for it rather than fail a task that did its work.
CELERY_RESULT_BACKEND_ALWAYS_RETRY = True
CELERY_RESULT_BACKEND_MAX_SLEEP_BETWEEN_RETRIES_MS = 10_000
CELERY_REDIS_BACKEND_HEALTH_CHECK_INTERVAL = 10
CELERY_REDIS_SOCKET_KEEPALIVE = True
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 5
# Each worker touches a file in this directory every WORKER_HEARTBEAT_SECONDS while it is
# connected and consuming; `manage.py worker_health` reads it (tasks.health).
WORKER_HEARTBEAT_DIR = env.path(
    "WORKER_HEARTBEAT_DIR", default=Path(tempfile.gettempdir()) / "civicnet-workers"
)
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=10.0)
# Each time a worker (re)connects it sends the periodic sweeps at once, so work lost with an
# emptied broker comes back in seconds (tests that decide when work starts turn it off).
WORKER_SWEEP_ON_CONNECT = env.bool("WORKER_SWEEP_ON_CONNECT", default=True)

# --- REST API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous request then gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.throttling.GatedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "core.api.permissions.RolePermissions",
        "crm.api.permissions.PersonalDataExport",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "core.api.ordering.StrictOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.ApiSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_RENDERER_CLASSES": [
        "core.api.renderers.JSONRenderer",
        "core.api.renderers.PolicyBrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.AnonymousThrottle",
        "core.api.throttling.UserThrottle",
    ],
    # Generous for people and scripts paging through a city's contacts; a runaway loop or a
    # scraper meets 429 with Retry-After.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_RATE_ANONYMOUS", default="60/minute"),
        "user": env.str("API_RATE_USER", default="1200/minute"),
    },
    "NUM_PROXIES": PROXY_COUNT or None,
}
# An address that sends this many wrong tokens in the window has its token requests
# answered 429 until the window ends: guessing a 40-character token stays hopeless, and a
# typo costs nothing (requests without credentials do not count; core.api.throttling).
API_AUTH_FAILURE_LIMIT = env.int("API_AUTH_FAILURE_LIMIT", default=20)
API_AUTH_FAILURE_WINDOW = env.int("API_AUTH_FAILURE_WINDOW", default=600)

SPECTACULAR_SETTINGS = {
    "TITLE": "Civicnet API",
    "DESCRIPTION": (
        "Contacts, organisations by sector, forums, participation, working groups and consent "
        "for civic dialogue platforms."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "SectorEnum": "crm.models.Sector.choices",
        "LanguageEnum": "crm.models.Language.choices",
        "PurposeEnum": "crm.models.ConsentPurpose.choices",
        "SnapshotStatusEnum": "core.jobs.SnapshotStatus.choices",
        "SnapshotTriggerEnum": "core.snapshots.SnapshotTrigger.choices",
    },
}

# --- Network analysis -------------------------------------------------------------------
# Exact betweenness and closeness up to this many people; above it, estimated from
# NETWORK_PIVOTS seeded BFS sources (docs/benchmarks.md measures the effect).
NETWORK_EXACT_LIMIT = env.int("NETWORK_EXACT_LIMIT", default=5_000)
NETWORK_PIVOTS = env.int("NETWORK_PIVOTS", default=256)
NETWORK_SEED = env.int("NETWORK_SEED", default=2017)
NETWORK_TIES_KEPT = env.int("NETWORK_TIES_KEPT", default=100_000)
# Forums larger than this create no ties (empty: no fixed cap); see docs/benchmarks.md.
NETWORK_PLENARY_CAP = env.int("NETWORK_PLENARY_CAP", default=None)
# Without a fixed cap, the largest forums stop creating ties when all forums together would
# make more pairs than this (about 24 bytes of memory each): what keeps a national network
# of 200,000 people within 4 GB.
NETWORK_MAX_TIES = env.int("NETWORK_MAX_TIES", default=50_000_000)
# Seconds an automatic recompute waits after a change, gathering the changes that follow.
NETWORK_RECOMPUTE_DELAY = env.int("NETWORK_RECOMPUTE_DELAY", default=120)
# A running snapshot whose worker sent no heartbeat for this long is taken over (the
# heartbeat comes with each stage of the analysis, the longest of which takes minutes).
NETWORK_LEASE_SECONDS = env.int("NETWORK_LEASE_SECONDS", default=1800)

# --- Engagement ---------------------------------------------------------------------------
# Lapsed: came to at least ENGAGEMENT_LAPSED_MIN_FORUMS forums (by default 2, the regular level's
# minimum: someone who came like a regular, then stopped), then missed the last
# ENGAGEMENT_LAPSED_MISSED held. One rule for the level and the lapsed
# list (whose ``missed`` can be asked for); each snapshot stores the rule it used. The
# same number of latest forums is what "recent" means for sector drift.
ENGAGEMENT_LAPSED_MIN_FORUMS = env.int("ENGAGEMENT_LAPSED_MIN_FORUMS", default=2)
ENGAGEMENT_LAPSED_MISSED = env.int("ENGAGEMENT_LAPSED_MISSED", default=3)
ENGAGEMENT_RECOMPUTE_DELAY = env.int("ENGAGEMENT_RECOMPUTE_DELAY", default=60)
# A running snapshot whose worker sent no heartbeat for this long is taken over (a whole
# national snapshot takes under a minute).
ENGAGEMENT_LEASE_SECONDS = env.int("ENGAGEMENT_LEASE_SECONDS", default=600)

# --- Outreach ----------------------------------------------------------------------------
# Where recipients' links point (unsubscribe, invitation answers): the public HTTPS address.
OUTREACH_PUBLIC_URL = env.str("OUTREACH_PUBLIC_URL", default="http://127.0.0.1:8000")
OUTREACH_MESSAGE_ID_DOMAIN = env.str(
    "OUTREACH_MESSAGE_ID_DOMAIN",
    default=OUTREACH_PUBLIC_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0],
)
# A mailbox for unsubscribe requests by e-mail, offered beside the one-click link only when
# set: someone must read it and record each withdrawal.
OUTREACH_UNSUBSCRIBE_MAILBOX = env.str("OUTREACH_UNSUBSCRIBE_MAILBOX", default="")
# A claimed message not confirmed sent within this many seconds is sent again (same
# Message-ID): the time a killed worker's claim blocks its rows.
OUTREACH_LEASE_SECONDS = env.int("OUTREACH_LEASE_SECONDS", default=120)
OUTREACH_BATCH = env.int("OUTREACH_BATCH", default=20)
# Consent, holds and cancellation are checked for each batch, and again for the rest of it
# whenever this many seconds have passed (a slow server or a rate limit).
OUTREACH_RECHECK_SECONDS = env.float("OUTREACH_RECHECK_SECONDS", default=1.0)
OUTREACH_WORKERS_PER_MAILING = env.int("OUTREACH_WORKERS_PER_MAILING", default=2)
# Sender threads per send task: one builds a message while another waits on the network.
OUTREACH_SENDERS = env.int("OUTREACH_SENDERS", default=2)
OUTREACH_MAX_ATTEMPTS = env.int("OUTREACH_MAX_ATTEMPTS", default=8)
OUTREACH_RETRY_BASE_SECONDS = env.float("OUTREACH_RETRY_BASE_SECONDS", default=30)
# Messages per minute across all workers; 0 for no limit.
OUTREACH_RATE_PER_MINUTE = env.int("OUTREACH_RATE_PER_MINUTE", default=0)
OUTREACH_HOLD_AFTER_BOUNCES = env.int("OUTREACH_HOLD_AFTER_BOUNCES", default=3)
OUTREACH_REMINDER_DAYS = env.int("OUTREACH_REMINDER_DAYS", default=7)
OUTREACH_SEND_HOUR = env.int("OUTREACH_SEND_HOUR", default=10)
# The most one part of a message (subject, text, HTML) may render to (an HTML body may be
# 200,000 characters of source, plus its fields); a template that renders more is refused
# when saved, and a message that would is not sent.
OUTREACH_MAX_RENDERED_CHARS = env.int("OUTREACH_MAX_RENDERED_CHARS", default=300_000)
OUTREACH_FALLBACK_LANGUAGES = env.list("OUTREACH_FALLBACK_LANGUAGES", default=["ru", "en", "kk"])
OUTREACH_INVITATION_MAX_AGE = env.int("OUTREACH_INVITATION_MAX_AGE", default=60 * 60 * 24 * 90)
# Bounce and complaint webhooks (django-anymail), when an e-mail provider is configured:
# ANYMAIL_WEBHOOK_SECRET protects /anymail/<provider>/tracking/, which is served only for
# the one provider named in ANYMAIL_PROVIDER (e.g. postmark, mailgun, amazon_ses): the
# others' endpoints are not configured and would only answer errors.
ANYMAIL = {"WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default="")}
ANYMAIL_PROVIDER = env.str("ANYMAIL_PROVIDER", default="")
CELERY_BEAT_SCHEDULE = {
    "outreach-due": {"task": task_names.OUTREACH_DUE, "schedule": 60.0},
    "outreach-sweep": {"task": task_names.OUTREACH_SWEEP, "schedule": 60.0},
    "snapshots-sweep": {"task": task_names.SNAPSHOTS_SWEEP, "schedule": 60.0},
}

# Consent records dated before this year are refused as mistakes (1900, 1970).
CONSENT_EARLIEST_YEAR = env.int("CONSENT_EARLIEST_YEAR", default=2000)

# Topics are one vocabulary whatever the case they were typed in ("Tourism" = "tourism").
TAGGIT_CASE_INSENSITIVE = True
# History is for reading; undoing a change is a new change through the usual forms, so
# that the services' rules (sectors, consent) apply. See crm.admin.base.
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Its start-up banner on every command; lockouts are still logged (axes.handlers).
        "axes.apps": {"level": "WARNING"},
    },
}
