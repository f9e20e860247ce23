"""Files of people's details (CSV) are for coordinators: a viewer reads everything on screen
and gets 403 for every such export, in the pages and the API alike, unless
VIEWERS_MAY_EXPORT allows it; exports of counts (sectors, cohorts, organisations) stay open
to viewers. One rule decides (crm.roles.may_export_personal_data)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.exports import CsvRenderer
from crm.api.permissions import PersonalDataExport

pytestmark = pytest.mark.django_db


def personal_exports(world) -> dict[str, str]:
    contact = world["contacts"][0]
    return {
        "contacts page": reverse("web:contacts") + "?format=csv",
        "engagement by person": "/api/v1/engagement/contacts/?format=csv",
        "lapsed regulars": "/api/v1/engagement/lapsed/?format=csv",
        "a person's score history": f"/api/v1/engagement/contacts/{contact.pk}/history/?format=csv",
    }


COUNT_EXPORTS = {
    "organisations": "/api/v1/engagement/organisations/?format=csv",
    "sectors": "/api/v1/engagement/sectors/?format=csv",
    "cohorts": "/api/v1/engagement/cohorts/?format=csv",
    "forum balance": "/api/v1/engagement/forums/?format=csv",
}


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig")


def test_a_viewer_gets_403_for_every_export_of_people_and_no_row_of_it(
    world, viewer_client, settings
):
    settings.VIEWERS_MAY_EXPORT = False
    for name, url in personal_exports(world).items():
        response = viewer_client.get(url)
        assert response.status_code == 403, name
        assert "@example.org" not in body(response), name


def test_the_page_says_why_and_the_api_too(world, viewer_client):
    page = viewer_client.get(reverse("web:contacts"), {"format": "csv"})
    assert "Exports of people&#x27;s details are for coordinators" in body(page)
    assert 'class="menu"' in body(page)  # the app's navigation, to go on reading
    api = viewer_client.get("/api/v1/engagement/lapsed/", {"format": "csv"})
    assert api["Content-Type"].startswith("application/json")
    assert "may read people's details but not export them" in api.json()["detail"]


def test_a_viewer_may_export_where_the_setting_allows(world, viewer_client, settings):
    settings.VIEWERS_MAY_EXPORT = True
    for name, url in personal_exports(world).items():
        response = viewer_client.get(url)
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("text/csv"), name
    assert "person0@example.org" in body(viewer_client.get(reverse("web:contacts") + "?format=csv"))


def test_a_coordinator_exports_everything(world, coordinator_client):
    for name, url in {**personal_exports(world), **COUNT_EXPORTS}.items():
        response = coordinator_client.get(url)
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("text/csv"), name


def test_a_viewer_exports_counts(world, viewer_client):
    for name, url in COUNT_EXPORTS.items():
        response = viewer_client.get(url)
        assert response.status_code == 200, name
        assert "@" not in body(response), name


def test_a_viewer_still_reads_the_same_rows_as_json(world, viewer_client):
    assert viewer_client.get("/api/v1/engagement/lapsed/").status_code == 200
    assert viewer_client.get("/api/v1/engagement/contacts/").status_code == 200
    assert viewer_client.get(reverse("web:contacts")).status_code == 200


def test_the_export_button_is_shown_only_to_who_may_use_it(
    world, viewer_client, coordinator_client, settings
):
    settings.VIEWERS_MAY_EXPORT = False
    assert "Export CSV" not in body(viewer_client.get(reverse("web:contacts")))
    assert "Export CSV" in body(coordinator_client.get(reverse("web:contacts")))
    settings.VIEWERS_MAY_EXPORT = True
    assert "Export CSV" in body(viewer_client.get(reverse("web:contacts")))


def _api_views(patterns=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "cls"):
            yield pattern


def test_every_csv_of_the_api_asks_the_rule_and_only_counts_are_exempt():
    """A new CSV export is a file of people unless its view says otherwise, and whoever
    says so shows up here."""
    exempt, csv_views = set(), set()
    for pattern in _api_views():
        view, initkwargs = pattern.callback.cls, pattern.callback.initkwargs
        renderers = initkwargs.get("renderer_classes", view.renderer_classes)
        if CsvRenderer not in renderers:
            continue
        csv_views.add(view.__name__)
        permissions = initkwargs.get("permission_classes", view.permission_classes)
        assert PersonalDataExport in permissions, (pattern.name, view)
        if not getattr(view, "exports_personal_data", True):
            exempt.add(view.__name__)
    assert {"ContactEngagementViewSet", "LapsedViewSet"} <= csv_views
    assert exempt == {
        "OrganisationEngagementViewSet",
        "SectorEngagementViewSet",
        "CohortView",
        "ForumBalanceView",
    }
