"""Pages that explain themselves: the definitions page, the explanation beside each figure,
why a broker is one and their position over time, the change history in words, and the
explorer's server-side search and summary."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.timezone import localdate

from crm.models import Contact, Participation
from crm.services.affiliations import affiliation_create
from crm.services.contacts import contact_create, contact_update
from crm.services.forums import forum_create
from crm.services.participation import participation_create, participation_update
from network.models import ActorMetrics, NetworkSnapshot
from network.selectors import broker_profile, contact_position_history
from network.services import analysis_parameters, network_snapshot_build
from tests.web.conftest import build_world
from web.metric_definitions import DEFINITIONS

pytestmark = pytest.mark.django_db


def json_script(html: str, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html)
    assert match, element_id
    return json.loads(match.group(1))


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_the_definitions_page_defines_every_figure_in_each_language(
    language, world, coordinator_client
):
    coordinator_client.cookies["django_language"] = language
    response = coordinator_client.get(reverse("web:metric_definitions"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    with translation.override(language):
        for key, definition in DEFINITIONS.items():
            assert f'id="{key}"' in html, key
            assert str(definition.label) in html, key
    # Labels that were translated before this page existed come out in the page's language.
    if language != "en":
        with translation.override(language):
            assert str(DEFINITIONS["betweenness"].label) != "Betweenness"
    for source in ("Brandes", "Burt, Structural Holes, 1992", "Gould &amp; Fernandez",
                   "Krackhardt &amp; Stern", "Brin &amp; Page"):  # fmt: skip
        assert source in html


def test_each_figure_on_a_contact_page_explains_itself_and_links_its_definition(
    world, coordinator_client
):
    contact = world["contacts"][1]
    html = coordinator_client.get(reverse("web:contact", args=[contact.pk])).content.decode()
    definitions = reverse("web:metric_definitions")
    for key in ("degree", "betweenness", "closeness", "pagerank", "constraint",
                "effective_size", "ei_index", "engagement_score", "engagement_level"):  # fmt: skip
        definition = DEFINITIONS[key]
        # The one line is there on hover (title) and on a tap (the details' note) ...
        assert f'<summary title="{definition.line}">' in html.replace("&#x27;", "'"), key
        # ... with a link to the full definition.
        assert f'href="{definitions}#{key}"' in html, key


def test_the_explorer_and_the_lists_link_their_figures_to_the_definitions(
    world, coordinator_client
):
    definitions = reverse("web:metric_definitions")
    for url, key in (
        (reverse("web:network"), "brokerage"),
        (reverse("web:dashboard"), "brokerage"),
        (reverse("web:contacts"), "engagement_score"),
        (reverse("web:engagement"), "level-lapsed"),
        (reverse("web:organisation", args=[world["organisations"][0].pk]), "betweenness"),
    ):
        html = coordinator_client.get(url).content.decode()
        assert f'href="{definitions}#{key}"' in html, url
    network = coordinator_client.get(reverse("web:network")).content.decode()
    assert f'title="{DEFINITIONS["pagerank"].line}"' in network.replace("&#x27;", "'")


def a_cross_sector_broker(world) -> ActorMetrics:
    """Someone from business who met a new person from government at one forum and a new
    person from the media at another: those two never met, so the business person stands
    between three sectors."""
    programme, organisations = world["programme"], {o.sector: o for o in world["organisations"]}
    broker = contact_create(given_name="Broker", family_name="Test", city="Almaty")
    affiliation_create(contact=broker, organisation=organisations["business"])
    for number, sector in ((10, "government"), (11, "media")):
        forum = forum_create(programme=programme, number=number, title=f"Workshop {number}",
                             date=dt.date(2019, 1, number), venue="KBTU")  # fmt: skip
        newcomer = contact_create(given_name=f"New {sector}", family_name="Test")
        affiliation_create(contact=newcomer, organisation=organisations[sector])
        for person, organisation in ((broker, organisations["business"]),
                                     (newcomer, organisations[sector])):  # fmt: skip
            participation_create(contact=person, forum=forum, status="attended",
                                 organisation=organisation)  # fmt: skip
    snapshot = NetworkSnapshot.objects.create(
        trigger="command", parameters=analysis_parameters().as_dict()
    )
    network_snapshot_build(snapshot_id=snapshot.pk)
    return ActorMetrics.objects.get(snapshot=snapshot, contact=broker)


def test_a_brokers_page_says_which_sectors_they_connect_and_their_roles(world, coordinator_client):
    broker = a_cross_sector_broker(world)
    profile = broker_profile(broker)
    assert profile.cross_sector > 0
    assert {"government", "media"} <= {sector for sector, _n in profile.sectors}
    html = coordinator_client.get(reverse("web:contact", args=[broker.contact_id])).content.decode()
    section = html[html.index('id="broker"') :]
    section = section[: section.index("</div>")]
    assert "Why a broker" in section
    assert f"Stands between {profile.cross_sector} pair" in section
    for role, count in profile.roles:
        assert str(DEFINITIONS[role].label) in section
        assert f"<dd>{count}</dd>" in section
    for a, b in profile.pairs:
        pair = f"{a.replace('_', ' ').capitalize()} ↔ {b.replace('_', ' ').capitalize()}"
        assert pair in section, pair


def test_a_broker_profile_counts_roles_and_pairs_the_sectors_met():
    row = ActorMetrics(
        coordinator=2, gatekeeper=3, representative=3, consultant=0, liaison=4,
        sector_ties={"government": 5, "business": 2, "media": 1, "unknown": 3, "academia": 0},
    )  # fmt: skip
    profile = broker_profile(row)
    assert profile.roles == [("coordinator", 2), ("gatekeeper", 3), ("representative", 3),
                             ("liaison", 4)]  # fmt: skip
    assert profile.cross_sector == 10  # every role but coordinator
    assert profile.sectors == [("government", 5), ("business", 2), ("media", 1)]
    assert profile.pairs == [("government", "business"), ("government", "media"),
                             ("business", "media")]  # fmt: skip


def test_position_over_time_puts_each_snapshot_at_its_date(world, coordinator_client):
    contact = world["contacts"][1]
    early = NetworkSnapshot.objects.create(
        trigger="command", as_of=dt.date(2018, 3, 31), parameters=analysis_parameters().as_dict()
    )
    network_snapshot_build(snapshot_id=early.pk)
    points = contact_position_history(contact.pk)
    everything = NetworkSnapshot.objects.exclude(pk=early.pk).get()
    assert [p.date for p in points] == [dt.date(2018, 3, 31), localdate(everything.finished)]
    assert points[0].degree <= points[1].degree  # fewer forums, fewer people met
    html = coordinator_client.get(reverse("web:contact", args=[contact.pk])).content.decode()
    data = json_script(html, "position-data")
    assert data["dates"] == [p.date.isoformat() for p in points]
    assert data["degree"] == [p.degree for p in points]
    assert json_script(html, "position-labels") == {
        "degree": "Ties", "betweenness": "Betweenness", "pagerank": "PageRank"
    }  # fmt: skip
    # The score's chart is dated too (the time axis needs dates, not labels).
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\d", d) for d in json_script(html, "score-data")["dates"]
    )


def test_the_change_history_is_folded_and_speaks_in_field_labels(world, coordinator_client):
    contact = world["contacts"][1]
    contact_update(contact=contact, data={"city": "Shymkent"})
    participation = Participation.objects.filter(contact=contact, status="registered").first()
    participation_update(participation=participation, data={"status": "attended"})
    html = coordinator_client.get(reverse("web:contact", args=[contact.pk])).content.decode()
    history = html[html.index('id="change-history"') :]
    assert history.count('<details class="change">') >= 3
    assert "Contact details · changed" in history
    assert "<dt>City</dt><dd>Shymkent</dd>" in history
    assert "Forum participation · changed" in history
    assert "<dt>Status</dt><dd><del>Registered</del> → Attended</dd>" in history
    # A linked record by its name, not its id.
    assert f"<dt>Forum</dt><dd>{participation.forum}</dd>" in history.replace("&#x27;", "'")
    assert ">city<" not in history
    assert ">status<" not in history


def test_history_labels_follow_the_language(world, coordinator_client):
    contact = world["contacts"][1]
    contact_update(contact=contact, data={"city": "Shymkent"})
    coordinator_client.cookies["django_language"] = "ru"
    html = coordinator_client.get(reverse("web:contact", args=[contact.pk])).content.decode()
    history = html[html.index('id="change-history"') :]
    with translation.override("ru"):
        city = capfirst(Contact._meta.get_field("city").verbose_name)
    assert city != "City"
    assert f"<dt>{city}</dt>" in history


def test_explorer_search_finds_a_cyrillic_name_typed_in_latin_and_tells_namesakes_apart(
    world, coordinator_client
):
    aigerim = world["contacts"][0]  # "Айгерим0 Test"
    namesake = contact_create(given_name="Айгерим0", family_name="Test", city="Shymkent")
    url = reverse("web:network_people")
    html = coordinator_client.get(url, {"q": "aigerim0"}).content.decode()
    assert f'data-node="{aigerim.pk}"' in html
    assert aigerim.full_name in html
    assert world["organisations"][0].name in html  # whom they represented
    assert f'data-node="{namesake.pk}"' not in html  # never came: not in the network
    nothing = coordinator_client.get(url, {"q": "Zzyzx"}).content.decode()
    assert "Nobody in this network matches “Zzyzx”." in nothing
    assert coordinator_client.get(url, {"q": ""}).content.decode().strip() == ""


def test_explorer_search_and_summary_answer_bad_input_clearly(world, coordinator_client):
    url = reverse("web:network_people")
    for snapshot in ("x", "0", "99999999999999999999", "-1"):
        assert coordinator_client.get(url, {"q": "Ivan", "snapshot": snapshot}).status_code == 200
    assert coordinator_client.get(url, {"q": "Ivan " * 2000}).status_code == 200
    stranger = contact_create(given_name="Stranger", family_name="Test")
    person = reverse("web:network_person", args=[stranger.pk])
    assert coordinator_client.get(person).status_code == 404
    assert coordinator_client.get(person, {"snapshot": "99999999999999999999"}).status_code == 404


def test_the_explorers_summary_is_labelled_and_translated(world, coordinator_client):
    contact = world["contacts"][1]
    url = reverse("web:network_person", args=[contact.pk])
    html = coordinator_client.get(url).content.decode()
    assert contact.full_name in html
    for label in ("Organisation", "Sector", str(DEFINITIONS["betweenness"].label)):
        assert label in html
    coordinator_client.cookies["django_language"] = "ru"
    russian = coordinator_client.get(url).content.decode()
    with translation.override("ru"):
        assert str(DEFINITIONS["betweenness"].label) in russian
        assert "Организация" in russian or str(translation.gettext("Organisation")) in russian


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_the_new_pages_run_the_same_number_of_queries_whatever_the_data(coordinator_client):
    def urls(world):
        return [
            (reverse("web:network_people"), {"q": "test"}),
            (reverse("web:network_person", args=[world["contacts"][1].pk]), None),
            (reverse("web:metric_definitions"), None),
            (reverse("web:contact", args=[world["contacts"][1].pk]), None),
        ]

    small = build_world(people=6, forums=3)
    first = [count_queries(coordinator_client, url, params) for url, params in urls(small)]
    bigger = build_world(people=18, forums=5, tag="-more")
    contact = bigger["contacts"][1]
    for city in ("Almaty", "Astana", "Shymkent"):  # a longer history of the same kinds
        contact_update(contact=contact, data={"city": city})
    early = NetworkSnapshot.objects.create(
        trigger="command", as_of=dt.date(2018, 3, 31), parameters=analysis_parameters().as_dict()
    )
    network_snapshot_build(snapshot_id=early.pk)  # and one more point on the chart
    assert [count_queries(coordinator_client, url, params) for url, params in urls(bigger)] == first
