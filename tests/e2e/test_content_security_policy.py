"""The Content-Security-Policy allows only our own scripts and styles, and no page of the
product breaks under it: the app, the admin, the browsable API, its docs and the pages
people reach from an e-mail all load without a single blocked script or style."""

import pytest
from playwright.sync_api import expect

from outreach.tokens import unsubscribe_token
from tests.web.test_access import every_page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def visit(page, url):
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    return response


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["content-security-policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def test_every_page_loads_without_a_blocked_script_or_style(signed_in, live_server, world):
    page = signed_in
    app = [
        url
        for name, (method, url) in every_page(world).items()
        if method == "get" and name != "document"  # a download, not a page
    ]
    # REST framework's and Swagger UI's own pages may use inline styles, never scripts.
    api = ["/api/v1/", "/api/v1/contacts/", "/api/v1/docs/"]
    for url in app + api:
        response = visit(page, live_server.url + url)
        assert response.status == 200, url
        policy = directives(response)
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == (["'self'"] if url in app else ["'self'", "'unsafe-inline'"])
        assert policy["frame-ancestors"] == ["'none'"]
        assert "no-store" in response.headers["cache-control"], url
    assert page.csp_violations == [], "\n".join(page.csp_violations)
    assert page.errors == []


def test_the_admin_works_under_the_policy(signed_in, live_server, world, coordinator):
    coordinator.is_staff = True
    coordinator.save()
    page = signed_in
    contact = world["contacts"][0]
    for url in ["/admin/", "/admin/crm/contact/", f"/admin/crm/contact/{contact.pk}/change/",
                "/admin/crm/forum/add/"]:  # fmt: skip
        assert visit(page, live_server.url + url).status == 200, url
    assert page.csp_violations == []


def test_the_pages_from_an_e_mail_work_under_the_policy(page, live_server, world):
    contact = world["contacts"][0]
    token = unsubscribe_token(contact_id=contact.pk, purpose="forum_updates", message_id=None)
    visit(page, f"{live_server.url}/u/{token}/")
    expect(page.locator("button").first).to_be_visible()
    assert page.csp_violations == []


def test_values_from_data_are_still_drawn(signed_in, live_server, world):
    """What used to be style attributes (the heat map of returning people) is applied by
    app.js through the style object, which the policy allows."""
    page = signed_in
    visit(page, f"{live_server.url}/engagement/")
    shaded = page.locator("td.heat").first
    expect(shaded).to_be_visible()
    colour = shaded.evaluate("cell => getComputedStyle(cell).backgroundColor")
    assert colour.startswith(("rgb(45, 164, 78", "rgba(45, 164, 78")), colour
    assert not colour.endswith(", 0)"), colour  # the stylesheet's transparent default
    assert page.csp_violations == []
