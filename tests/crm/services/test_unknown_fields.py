"""Services that take their fields as keywords refuse a keyword they do not know: a
misspelt field fails loudly, naming itself, instead of a row saved without it."""

import datetime as dt

import pytest

from crm.models import Forum, Programme, WorkingGroup
from crm.services.forums import forum_create, programme_create
from crm.services.working_groups import working_group_create
from tests.factories import ForumFactory

pytestmark = pytest.mark.django_db


def test_programme_create_refuses_a_misspelt_field_and_writes_nothing():
    with pytest.raises(TypeError, match="'fundr'"):
        programme_create(name="Urban forums", start_year=2017, fundr="EU")
    assert not Programme.objects.exists()


def test_forum_create_refuses_an_unknown_field_and_writes_nothing():
    with pytest.raises(TypeError, match=r"forum_create\(\).*'venue_name'"):
        forum_create(title="Forum", date=dt.date(2019, 5, 1), venue_name="Hall")
    assert not Forum.objects.exists()


def test_working_group_create_names_every_unknown_field():
    with pytest.raises(TypeError, match="'colour', 'lead'"):
        working_group_create(title="Green", lead="Aigerim", colour="green")
    assert not WorkingGroup.objects.exists()


def test_known_fields_still_create_the_row():
    forum = ForumFactory()
    group = working_group_create(title="Transport", origin_forum=forum)
    assert group.programme == forum.programme
    programme = programme_create(name="Urban forums", start_year=2017, city="Almaty")
    assert programme.city == "Almaty"


def test_update_services_refuse_keys_they_do_not_know():
    """An update given a misspelt field fails loudly and changes nothing, as a create does."""
    from crm.services.forums import programme_create, programme_update

    programme = programme_create(name="WeAlmaty", start_year=2017)
    with pytest.raises(TypeError, match="'fundr'"):
        programme_update(programme=programme, data={"name": "Renamed", "fundr": "EU"})
    programme.refresh_from_db()
    assert programme.name == "WeAlmaty"


def test_an_update_may_repeat_what_cannot_change(coordinator_api):
    """A PUT sends the whole record, its person and forum included: the same ones are
    accepted (and not taken for unknown fields), another one is refused."""
    from tests.factories import ContactFactory, ParticipationFactory

    participation = ParticipationFactory()
    url = f"/api/v1/participations/{participation.pk}/"
    body = coordinator_api.get(url).json()
    body["role"] = "speaker"
    assert coordinator_api.put(url, body, format="json").status_code == 200
    body["contact"] = ContactFactory().pk
    assert coordinator_api.put(url, body, format="json").status_code == 400
    participation.refresh_from_db()
    assert participation.role == "speaker"
