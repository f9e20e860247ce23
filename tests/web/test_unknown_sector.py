"""People of no known sector are counted as such everywhere, never as "other" (a sector
someone chose): the forum page, the dashboard chart and the engagement API agree."""

import pytest
from django.urls import reverse

from crm.models import ParticipationStatus, Sector
from tests.factories import ContactFactory, ForumFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum():
    forum = ForumFactory()
    for sector in ("", "", Sector.OTHER):
        ParticipationFactory(
            forum=forum, contact=ContactFactory(sector=sector), status=ParticipationStatus.ATTENDED
        )
    return forum


def test_the_forum_page_shows_unknown_apart_from_other(forum, coordinator_client):
    page = coordinator_client.get(reverse("web:forum", args=[forum.pk])).content.decode()
    assert "Sector unknown" in page


def test_the_dashboard_chart_and_the_api_count_the_same_unknown(forum, coordinator_client):
    from web.selectors import sector_mix_chart

    chart = sector_mix_chart([forum])
    counts = {d["sector"]: d["data"][0] for d in chart["datasets"]}
    assert counts[""] == 2
    assert counts[Sector.OTHER] == 1

    from engagement.selectors import attended_by_sector

    assert attended_by_sector([forum.pk])[forum.pk] == {"": 2, Sector.OTHER: 1}
