"""The network explorer as a coordinator uses it: find a person typed in another script,
keep a view in the address, move the forum sliders, read a person's summary."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def wait_drawn(page):
    page.wait_for_function(
        "() => Number(document.getElementById('graph').dataset.nodesDrawn) > 0", timeout=20_000
    )


def test_search_in_latin_finds_a_cyrillic_name_and_says_when_nothing_matches(
    signed_in, live_server, world
):
    page = signed_in
    page.goto(f"{live_server.url}/network/")
    wait_drawn(page)
    aigerim = world["contacts"][0]  # "Айгерим0 Test"
    page.fill("#f-search", "Aigerim0")
    page.press("#f-search", "Enter")
    expect(page.locator(f'#search-results [data-node="{aigerim.pk}"]')).to_contain_text("Айгерим0")
    # The only match opens its summary beside the canvas, and the address names the person.
    expect(page.locator("#node-summary")).to_be_visible()
    expect(page.locator("#node-summary h2")).to_contain_text(aigerim.full_name)
    assert f"person={aigerim.pk}" in page.url
    summary, graph = (
        page.locator("#node-summary").bounding_box(),
        page.locator("#graph").bounding_box(),
    )
    assert summary["x"] >= graph["x"] + graph["width"] - 1  # beside, not under the filters
    page.fill("#f-search", "Zzyzx")
    expect(page.locator("#search-results")).to_contain_text("Nobody in this network matches")
    assert page.errors == []


def test_the_address_keeps_the_filters_across_a_reload(signed_in, live_server, world):
    page = signed_in
    page.goto(f"{live_server.url}/network/")
    wait_drawn(page)
    page.select_option("#f-sector", "business")
    page.select_option("#f-size", "pagerank")
    page.fill("#f-weight", "2")
    page.dispatch_event("#f-weight", "change")
    page.wait_for_function("() => location.search.includes('min_weight=2')")
    assert "sector=business" in page.url
    assert "size_by=pagerank" in page.url
    page.reload()
    wait_drawn(page)
    assert page.input_value("#f-sector") == "business"
    assert page.input_value("#f-size") == "pagerank"
    assert page.input_value("#f-weight") == "2"
    # A shared address opens the same view in a fresh page.
    shared = page.url
    page.goto(f"{live_server.url}/network/")
    page.goto(shared)
    wait_drawn(page)
    assert page.input_value("#f-sector") == "business"
    assert page.errors == []


def test_the_forum_sliders_cannot_cross(signed_in, live_server, world):
    page = signed_in
    page.goto(f"{live_server.url}/network/")
    wait_drawn(page)
    last = len(world["forums"]) - 1
    page.fill("#f-time", "1")  # up to the second forum
    page.fill("#f-from", str(last))  # from the last: past the end of the range
    assert int(page.input_value("#f-from")) <= int(page.input_value("#f-time"))
    assert page.input_value("#f-time") == str(last)  # pushed along
    expect(page.locator("#slider-note")).to_contain_text("cannot come after")
    page.fill("#f-time", "0")
    assert page.input_value("#f-from") == "0"
    forums = world["forums"]
    page.wait_for_function(f"() => location.search.includes('to_forum={forums[0].pk}')")
    assert page.errors == []


def test_the_node_summary_is_labelled_and_translated(signed_in, live_server, world):
    page = signed_in
    contact = world["contacts"][1]
    page.goto(f"{live_server.url}/network/?person={contact.pk}")
    wait_drawn(page)
    expect(page.locator("#node-summary")).to_be_visible()
    expect(page.locator("#node-summary")).to_contain_text("Organisation")
    page.select_option("#language", "ru")
    page.wait_for_load_state()
    wait_drawn(page)
    expect(page.locator("#node-summary")).to_be_visible()
    summary = page.locator("#node-summary")
    expect(summary).to_contain_text("Организация")
    expect(summary).to_contain_text("посредничеству")  # betweenness, in Russian
    # On a phone the summary comes below the canvas, and nothing is wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    box, graph = summary.bounding_box(), page.locator("#graph").bounding_box()
    assert box["y"] >= graph["y"] + graph["height"] - 1
    page.wait_for_function("() => document.documentElement.scrollWidth <= 390", timeout=5_000)
    assert page.errors == []
