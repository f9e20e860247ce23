"""A new coordinator on an empty installation, through the pages only: no organisations, no
sectors, one forum dated before everything else. Every page answers, none with a 5xx."""

import pytest
from django.urls import URLPattern, reverse

from crm.models import Forum, Participation, Programme
from web import urls as web_urls

pytestmark = pytest.mark.django_db

# Pages that need no record in their address.
PLAIN = sorted(
    p.name for p in web_urls.urlpatterns if isinstance(p, URLPattern) and not p.pattern.converters
)


def test_every_page_of_an_empty_installation_answers(coordinator_client):
    for name in PLAIN:
        response = coordinator_client.get(reverse(f"web:{name}"))
        assert response.status_code < 500, name


def test_one_forum_before_everything_through_the_pages(coordinator_client):
    response = coordinator_client.post(
        reverse("web:programme_new"), {"name": "First", "start_year": 1991}
    )
    assert response.status_code == 302
    programme = Programme.objects.get()
    response = coordinator_client.post(
        reverse("web:forum_new"),
        {
            "programme": programme.pk,
            "number": 1,
            "title": "Founding meeting",
            "kind": "forum",
            "date": "1991-12-16",
            "partners-TOTAL_FORMS": 0,
            "partners-INITIAL_FORMS": 0,
            "document-kind": "programme",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    forum = Forum.objects.get()
    coordinator_client.post(reverse("web:contact_new"), {"given_name": "Aigerim", "language": "kk"})
    pages = [
        reverse("web:forum", args=[forum.pk]),
        reverse("web:forum_check_in", args=[forum.pk]),
        reverse("web:forum_people_add", args=[forum.pk]) + "?q=aigerim",
        reverse("web:dashboard"),
        reverse("web:network"),
        reverse("web:engagement"),
        reverse("web:contacts") + "?format=csv",
    ]
    for url in pages:
        assert coordinator_client.get(url).status_code < 500, url
    for name in PLAIN:
        assert coordinator_client.get(reverse(f"web:{name}")).status_code < 500, name
    assert not Participation.objects.exists()
