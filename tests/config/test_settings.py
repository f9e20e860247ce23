"""Settings come from the environment, with defaults that need no set-up at all."""

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLEAN_ENV = {
    key: value
    for key, value in os.environ.items()
    if key
    not in {
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "CELERY_RESULT_BACKEND",
        "EMAIL_URL",
        "SECRET_KEY",
        "DEBUG",
        "ALLOWED_HOSTS",
        "DJANGO_SETTINGS_MODULE",
        "OUTREACH_PUBLIC_URL",
        "CACHE_URL",
        "PROXY_COUNT",
        "SECURE_PROXY_SSL_HEADER",
        "EMBEDDED_BROKER_DIR",
    }
}


def _settings(module: str, **env) -> dict:
    """Load a settings module in a fresh interpreter and report what it decided."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
        "'name': str(settings.DATABASES['default']['NAME']), "
        "'eager': settings.CELERY_TASK_ALWAYS_EAGER, 'broker': settings.CELERY_BROKER_URL, "
        "'email': settings.EMAIL_BACKEND, 'email_port': settings.EMAIL_PORT, "
        "'email_host': settings.EMAIL_HOST, 'email_user': settings.EMAIL_HOST_USER, "
        "'email_tls': settings.EMAIL_USE_TLS, 'email_ssl': settings.EMAIL_USE_SSL, "
        "'broker_folders': settings.CELERY_BROKER_TRANSPORT_OPTIONS, "
        "'results': settings.CELERY_RESULT_BACKEND, "
        "'debug': settings.DEBUG, 'hosts': settings.ALLOWED_HOSTS}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**CLEAN_ENV, "DJANGO_SETTINGS_MODULE": module, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_need_no_services():
    decided = _settings("config.settings.local")
    assert decided["engine"] == "django.db.backends.sqlite3"
    assert decided["name"].endswith("db.sqlite3")
    assert decided["email"] == "django.core.mail.backends.console.EmailBackend"
    assert decided["debug"] is True


def test_without_a_broker_the_local_settings_send_tasks_to_the_embedded_one(tmp_path):
    """Tasks leave the request as in production (`make run` starts the worker that takes
    them), on files in a folder that needs no service and is created when missing."""
    decided = _settings("config.settings.local", EMBEDDED_BROKER_DIR=str(tmp_path / "broker"))
    assert decided["eager"] is False
    assert decided["broker"].startswith("filesystem://")
    assert decided["results"] is None
    folders = decided["broker_folders"]
    # Every process writes where the worker reads.
    assert folders["data_folder_in"] == folders["data_folder_out"]
    for option in ("data_folder_in", "control_folder"):
        assert Path(folders[option]).parent == tmp_path / "broker"
        assert Path(folders[option]).is_dir()


def test_the_embedded_broker_lives_in_the_project_by_default():
    folders = _settings("config.settings.local")["broker_folders"]
    assert Path(folders["data_folder_in"]).parent == ROOT / "var" / "broker"


def test_unit_tests_run_tasks_in_process_whatever_the_environment():
    decided = _settings("config.settings.test", CELERY_BROKER_URL="redis://127.0.0.1:6379/3")
    assert decided["eager"] is True
    assert decided["broker"] == ""


def test_a_configured_broker_is_used_as_it_is(tmp_path):
    decided = _settings(
        "config.settings.local",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/3",
        EMBEDDED_BROKER_DIR=str(tmp_path / "broker"),
    )
    assert decided["broker"] == "redis://127.0.0.1:6379/3"
    assert decided["results"] == "redis://127.0.0.1:6379/3"
    assert not (tmp_path / "broker").exists()


def test_the_mail_url_sets_each_mail_setting_by_name():
    decided = _settings(
        "config.settings.local", EMAIL_URL="smtp+tls://sender:secret@mail.example.org:587"
    )
    assert decided["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (decided["email_host"], decided["email_port"]) == ("mail.example.org", 587)
    assert decided["email_user"] == "sender"
    assert (decided["email_tls"], decided["email_ssl"]) == (True, False)
    # Without a server in the URL, Django's own defaults, not None.
    plain = _settings("config.settings.local")
    assert (plain["email_host"], plain["email_port"], plain["email_user"]) == ("localhost", 25, "")


def test_installed_apps_come_grouped_django_third_party_ours():
    from django.conf import settings

    from config.settings import base

    assert base.INSTALLED_APPS == base.DJANGO_APPS + base.THIRD_PARTY_APPS + base.LOCAL_APPS
    assert all(app.startswith("django.") for app in base.DJANGO_APPS)
    assert not any(app.startswith("django.") for app in base.THIRD_PARTY_APPS)
    # Ours are the apps whose code is in this repository.
    ours = {
        app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()
    }
    assert ours == set(base.LOCAL_APPS)


def test_every_app_of_ours_is_in_the_package_list():
    """An app left out of pyproject.toml's packages is missing from a non-editable install."""
    from config.settings import base

    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"
    ]["find"]["include"]
    listed = {pattern.rstrip("*") for pattern in packages}
    assert set(base.LOCAL_APPS) | {"config"} <= listed


def test_services_come_from_the_environment():
    decided = _settings(
        "config.settings.local",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/somewhere",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/3",
        EMAIL_URL="smtp://127.0.0.1:1025",
        DEBUG="false",
        ALLOWED_HOSTS="crm.example.org,localhost",
    )
    assert decided["engine"] == "django.db.backends.postgresql"
    assert decided["name"] == "somewhere"
    assert decided["eager"] is False
    assert decided["broker"] == "redis://127.0.0.1:6379/3"
    assert decided["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert decided["email_port"] == 1025
    assert decided["debug"] is False
    assert decided["hosts"] == ["crm.example.org", "localhost"]


PRODUCTION_ENV = {
    "SECRET_KEY": "k" * 20 + "Zx8!q-" + "9" * 30 + "abcdefghij",
    "ALLOWED_HOSTS": "crm.example.org",
    "DATABASE_URL": "sqlite:////tmp/civicnet-deploy-check.sqlite3",
    "OUTREACH_PUBLIC_URL": "https://crm.example.org",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}


def test_production_settings_pass_the_deployment_checklist():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**CLEAN_ENV, "DJANGO_SETTINGS_MODULE": "config.settings.production", **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**CLEAN_ENV, "DJANGO_SETTINGS_MODULE": "config.settings.production", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert f"Set {missing}" in result.stderr


def _check(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env={**CLEAN_ENV, "DJANGO_SETTINGS_MODULE": "config.settings.production", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (None, "Set OUTREACH_PUBLIC_URL"),
        ("http://crm.example.org", "must be an https:// address"),
        ("https://127.0.0.1:8000", "points at this machine"),
        ("https://localhost", "points at this machine"),
    ],
)
def test_production_refuses_links_that_would_not_reach_recipients(url, reason):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "OUTREACH_PUBLIC_URL"}
    result = _check(**env, **({"OUTREACH_PUBLIC_URL": url} if url else {}))
    assert result.returncode != 0
    assert reason in result.stderr


def test_the_deployment_check_warns_about_counts_kept_per_process_and_a_missing_proxy_count():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "CACHE_URL"}
    result = _check("--deploy", **env, SECURE_PROXY_SSL_HEADER="true")
    assert "civicnet.W001" in result.stderr + result.stdout
    assert "civicnet.W002" in result.stderr + result.stdout
    fixed = _check("--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV,
                   SECURE_PROXY_SSL_HEADER="true", PROXY_COUNT="1")  # fmt: skip
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text(PRODUCTION_ENV["SECRET_KEY"] + "\n")
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **CLEAN_ENV,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY_FILE": str(secret),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


SQLITE_RACE = """
import sqlite3, threading, django
django.setup()
from django.db import connection, transaction
from django.conf import settings
path = settings.DATABASES["default"]["NAME"]
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE t (x integer)")
# The worker beside the server holds the write lock for a moment, then commits.
worker = sqlite3.connect(path, timeout=20, check_same_thread=False, isolation_level=None)
worker.execute("BEGIN IMMEDIATE")
worker.execute("INSERT INTO t VALUES (1)")
threading.Timer(1.0, lambda: worker.execute("COMMIT")).start()
# A page's save: reads, then writes, in one transaction.
with transaction.atomic():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        cursor.execute("INSERT INTO t VALUES (2)")
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM t")
    print(cursor.fetchone()[0])
"""


def test_on_sqlite_a_save_waits_for_the_worker_instead_of_failing(tmp_path):
    """A transaction that read first could not wait for the write lock (SQLite answers
    "database is locked" at once): a page's save failed with a 500 while `make run`'s worker
    stored a snapshot. Transactions now take the lock when they begin, and wait for it."""
    result = subprocess.run(
        [sys.executable, "-c", SQLITE_RACE],
        cwd=ROOT,
        env={
            **CLEAN_ENV,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
            "EMBEDDED_BROKER_DIR": str(tmp_path / "broker"),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "2"
