"""What every page carries around its content: the refusal page (403) with the app's
navigation, the notice that a viewer reads only, and the icon."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOTICE = "Your viewer role lets you see everything here but not change it."
NO_EXPORT = "Exports of people's details are for coordinators."


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_user_without_a_role_gets_the_styled_refusal_with_navigation(world):
    client = signed_in(UserFactory(username="newcomer", groups=[]))
    response = client.get(reverse("web:contacts"))
    assert response.status_code == 403
    page = response.content.decode()
    assert 'class="card refusal"' in page
    assert "Your account (newcomer) does not have the role this page needs." in page
    assert 'class="menu"' in page
    assert reverse("web:forums") in page
    assert reverse("logout") in page
    assert 'name="language"' in page
    assert "web/app.css" in page
    assert NOTICE not in page  # no role: nothing to read, not even read-only
    assert "@example.org" not in page


def test_the_refusal_speaks_the_users_language(world):
    client = signed_in(UserFactory(groups=[]))
    client.cookies["django_language"] = "ru"
    page = client.get(reverse("web:dashboard")).content.decode()
    assert '<html lang="ru">' in page
    assert "Not allowed" not in page


def test_a_viewer_asking_to_change_is_told_their_role_reads_only(world, viewer_client):
    response = viewer_client.get(reverse("web:contact_new"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "This page changes records, and your role lets you read them only." in page
    assert "does not have the role" not in page
    assert reverse("web:dashboard") in page
    assert 'class="menu"' in page


def test_a_viewer_sees_the_read_only_notice_on_every_page(world, viewer_client, settings):
    settings.VIEWERS_MAY_EXPORT = False
    for url in [reverse("web:dashboard"), reverse("web:contacts"), reverse("web:forums")]:
        page = viewer_client.get(url).content.decode()
        assert 'class="read-only-notice"' in page, url
        assert NOTICE in page, url
        assert NO_EXPORT in page, url
    settings.VIEWERS_MAY_EXPORT = True
    page = viewer_client.get(reverse("web:dashboard")).content.decode()
    assert NOTICE in page
    assert NO_EXPORT not in page


def test_a_coordinator_sees_no_notice(world, coordinator_client):
    page = coordinator_client.get(reverse("web:dashboard")).content.decode()
    assert "read-only-notice" not in page


def test_every_page_names_the_icon_and_the_icon_exists(world, coordinator_client):
    page = coordinator_client.get(reverse("web:dashboard")).content.decode()
    login = Client().get(reverse("login")).content.decode()
    for name in ("web/favicon.svg", "web/favicon.ico"):
        assert f'href="{static(name)}"' in page
        assert f'href="{static(name)}"' in login
        assert finders.find(name), name
    with Image.open(finders.find("web/favicon.ico")) as icon:
        assert icon.format == "ICO"
        assert (16, 16) in icon.info["sizes"]
    assert "<svg" in Path(finders.find("web/favicon.svg")).read_text(encoding="utf-8")


def test_favicon_ico_at_the_root_leads_to_the_static_file():
    response = Client().get("/favicon.ico")
    assert response.status_code == 302
    assert response.url == static("web/favicon.ico")
