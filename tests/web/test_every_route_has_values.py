"""The page-width test (tests/e2e/test_page_width.py) opens every route of the app with
values from its world of long names: a route it cannot fill fails here already, without a
browser, with what to add."""

import pytest
from django.test import Client

import tests.e2e.test_page_width as widths
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_route_of_the_app_is_filled_with_rows_that_exist():
    world = widths.build_wide_world()
    ids = widths.ids_by_kind(world)
    routes = widths.app_routes()
    assert len(routes) >= 25
    client = Client()
    client.force_login(UserFactory(groups=["coordinator"]))
    for route in routes:
        url = widths._fill(route, ids)
        assert "<" not in url, url
        assert client.get(url).status_code in (200, 302, 400, 405), url


def test_a_route_with_an_unknown_part_says_what_to_add():
    with pytest.raises(LookupError, match=r"<colour>.*ids_by_kind"):
        widths._fill("palettes/<str:colour>/", {"contact": 1})
    assert widths._fill("working-groups/<int:pk>/invite/", {"workinggroup": 7}) == (
        "/working-groups/7/invite/"
    )
    assert widths._fill("forums/<int:forum_id>/people/", {"forum": 3}) == "/forums/3/people/"
