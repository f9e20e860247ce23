"""What a coordinator does in a day, in a real browser."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from crm.models import Participation
from outreach.models import Mailing

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_login_lands_on_the_dashboard_with_its_charts(signed_in):
    expect(signed_in.locator("h1")).to_have_text("Dashboard")
    expect(signed_in.locator("#sector-mix")).to_be_visible()
    # Chart.js drew into the canvas (it sets the canvas's own size when it renders).
    # Predicates are functions: the Content-Security-Policy forbids evaluating strings.
    signed_in.wait_for_function("() => document.getElementById('sector-mix').width > 0")
    assert signed_in.errors == []


def test_filter_contacts_across_scripts(signed_in, live_server):
    signed_in.goto(f"{live_server.url}/contacts/")
    signed_in.fill("#id_search", "aigerim")  # Latin letters find a Cyrillic name
    signed_in.click("button:has-text('Filter')")
    rows = signed_in.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Айгерим0")
    signed_in.select_option("#id_sector", "business")
    signed_in.fill("#id_search", "")
    signed_in.click("button:has-text('Filter')")
    for text in signed_in.locator("tbody tr td:nth-child(2)").all_inner_texts():
        assert "Business" in text


def test_open_a_forum_and_check_people_in_from_a_phone(signed_in, live_server, world):
    forum = world["forums"][0]
    waiting = Participation.objects.filter(forum=forum, status="registered").select_related(
        "contact"
    )[0]
    signed_in.set_viewport_size({"width": 390, "height": 844})
    signed_in.goto(f"{live_server.url}/forums/{forum.pk}/")
    signed_in.click("text=Check-in")
    signed_in.fill("#q", waiting.contact.given_name)
    row = signed_in.locator(f"#participation-{waiting.pk}")
    expect(row).to_be_visible()
    row.locator("button:has-text('Mark attended')").click()
    expect(signed_in.locator(f"#participation-{waiting.pk}")).to_contain_text("Attended")
    waiting.refresh_from_db()
    assert waiting.status == "attended"


def test_the_network_explorer_draws_nodes(signed_in, live_server):
    signed_in.goto(f"{live_server.url}/network/")
    signed_in.wait_for_function(
        "() => Number(document.getElementById('graph').dataset.nodesDrawn) > 0", timeout=20_000
    )
    assert signed_in.locator("#graph canvas").count() > 0
    drawn = int(signed_in.get_attribute("#graph", "data-nodes-drawn"))
    assert drawn >= 5
    # And they are on screen: pixels in the sectors' colours, not just a white canvas.
    shot = Image.open(io.BytesIO(signed_in.locator("#graph").screenshot())).convert("RGB")
    pixels = shot.tobytes()  # RGB triples
    coloured = sum(
        1 for i in range(0, len(pixels), 3) if max(pixels[i : i + 3]) - min(pixels[i : i + 3]) > 60
    )  # saturated pixels: node fills (the background and ties are grey)
    assert coloured > 20  # a blank canvas has none
    signed_in.select_option("#f-sector", "business")  # a filter redraws a smaller graph
    signed_in.wait_for_function(
        f"() => Number(document.getElementById('graph').dataset.nodesDrawn) < {drawn}",
        timeout=20_000,
    )
    assert signed_in.errors == []


def test_send_a_mailing_and_watch_the_progress_bar_reach_100(
    signed_in, live_server, world, smtp_sink
):
    forum = world["forums"][0]
    signed_in.goto(f"{live_server.url}/mailings/new/")
    signed_in.fill("#id_name", "Thanks for forum 1")
    signed_in.select_option("#id_purpose", "forum_updates")
    signed_in.select_option("#id_template", str(world["thanks"].pk))
    signed_in.select_option("#id_audience_kind", "forum")
    signed_in.select_option("#id_forum", str(forum.pk))
    # The audience builder counts the recipients before anything is saved.
    expect(signed_in.locator("#audience-count")).to_be_visible()
    counted = int(signed_in.inner_text("#audience-count"))
    signed_in.click("button:has-text('Continue')")
    expect(signed_in.locator("#will-receive")).to_be_visible()
    expected = int(signed_in.inner_text("#will-receive"))
    assert expected == counted > 0
    signed_in.click("#send-now")
    signed_in.click("#send-confirm")  # "Yes, send to N people"
    expect(signed_in.locator("#progress")).to_have_attribute("aria-valuenow", "100", timeout=20_000)
    mailing = Mailing.objects.get(name="Thanks for forum 1")
    assert mailing.status == "done"
    assert smtp_sink.handler.distinct() == expected


def test_switch_the_interface_to_russian(signed_in, live_server):
    signed_in.select_option("#language", "ru")
    signed_in.wait_for_load_state()
    expect(signed_in.locator("html")).to_have_attribute("lang", "ru")
    expect(signed_in.locator("nav.menu")).to_contain_text("Контакты")


def test_a_network_recompute_shows_its_progress_and_the_new_snapshot(signed_in, live_server):
    from network.models import NetworkSnapshot

    latest = NetworkSnapshot.objects.order_by("-pk").first().pk
    signed_in.goto(f"{live_server.url}/network/")
    signed_in.click("#recompute")
    # In-process here (no broker); with a worker the page follows it the same way. When it
    # is done the page reloads onto the new snapshot.
    signed_in.wait_for_function(
        "() => document.body.innerText.includes('Snapshot #') && "
        f"!document.body.innerText.includes('Snapshot #{latest},')",
        timeout=60_000,
    )
    newest = NetworkSnapshot.objects.order_by("-pk").first()
    assert newest.pk > latest
    assert newest.status == "done"
    expect(signed_in.locator("#snapshot-label")).to_contain_text(f"Snapshot #{newest.pk}")
