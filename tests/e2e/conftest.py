"""End-to-end tests: the pages in headless Chromium (Debian's package, driven by Playwright
for Python) against a live server on the test database.

Without /usr/bin/chromium (`make browser` installs it) they skip with the reason; with
REQUIRE_SERVICES=1 (CI) they fail instead.
"""

import os
from pathlib import Path

import pytest

from tests.conftest import service_unavailable
from tests.web.conftest import build_world

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API keeps an event loop running in this thread; the ORM calls the tests
# make between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        service_unavailable(f"{CHROMIUM} is missing: run `make browser`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            # WebGL (the network explorer) through SwiftShader: no GPU on CI machines.
            args=["--enable-unsafe-swiftshader", "--use-angle=swiftshader"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    # Whatever the Content-Security-Policy blocks (an inline script, a style attribute) is
    # reported here, so the tests can insist on none.
    violations: list[str] = []
    page.expose_function("reportCspViolation", lambda text: violations.append(text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) => window.reportCspViolation("
        "`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'}"
        " in ${e.sourceFile}:${e.lineNumber}`))"
    )
    page.csp_violations = violations
    yield page
    context.close()
    # Whatever a test did, the policy blocked nothing it needed.
    assert violations == [], "\n".join(violations)


@pytest.fixture
def world(transactional_db):
    return build_world()


@pytest.fixture
def signed_in(page, live_server, world, coordinator):
    coordinator.set_password("correct horse")
    coordinator.save()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", coordinator.username)
    page.fill("#id_password", "correct horse")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page
