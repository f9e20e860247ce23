"""The two roles cover every model of ours: an app left out of ROLE_APPS would be readable
by no one but superusers, through the API, the admin and the pages alike."""

from pathlib import Path

from django.apps import apps
from django.conf import settings

from crm.roles import ROLE_APPS

ROOT = Path(settings.BASE_DIR).resolve()


def test_every_app_of_ours_with_models_is_covered_by_the_roles():
    ours = [
        config for config in apps.get_app_configs() if Path(config.path).resolve().parent == ROOT
    ]
    assert ours, "found none of our apps"
    with_models = {config.label for config in ours if list(config.get_models())}
    assert {"crm", "network", "engagement", "outreach"} <= with_models
    assert with_models - set(ROLE_APPS) == set()
