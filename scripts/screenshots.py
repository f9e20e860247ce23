"""Screenshots of the main pages for the README, from a running server with the demo data.

    make run                       # in one terminal (demo data, logins printed)
    .venv/bin/python scripts/screenshots.py [--base http://127.0.0.1:8000]

Writes docs/screenshots/*.png with Debian's chromium, driven by Playwright.
"""

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PAGES = [
    ("dashboard", "/", None),
    ("contacts", "/contacts/?sector=civil_society", None),
    ("contact", "/contacts/{contact}/", None),
    ("forum", "/forums/{forum}/", None),
    ("check-in-phone", "/forums/{forum}/check-in/", {"width": 390, "height": 844}),
    ("network", "/network/", None),
    ("engagement", "/engagement/", None),
    ("working-group", "/working-groups/{group}/", None),
    ("mailing", "/mailings/new/", None),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="coordinator")
    parser.add_argument("--password", default="wealmaty-demo")
    parser.add_argument("--contact", default="1")
    parser.add_argument("--forum", default="9")
    parser.add_argument("--group", default="2")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    ids = {"contact": args.contact, "forum": args.forum, "group": args.group}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--enable-unsafe-swiftshader", "--use-angle=swiftshader"],
        )
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        page.goto(f"{args.base}/login/")
        page.fill("#id_username", args.user)
        page.fill("#id_password", args.password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{args.base}/")
        for name, path, viewport in PAGES:
            page.set_viewport_size(viewport or {"width": 1360, "height": 900})
            page.goto(args.base + path.format(**ids))
            page.wait_for_timeout(1500)  # charts animate, the graph draws
            page.screenshot(path=OUT / f"{name}.png")
            print(OUT / f"{name}.png")
        # The same dashboard in Russian (the language menu, as a user would switch).
        page.set_viewport_size({"width": 1360, "height": 900})
        page.goto(f"{args.base}/")
        page.select_option("#language", "ru")
        page.wait_for_load_state()
        page.wait_for_timeout(1500)
        page.screenshot(path=OUT / "dashboard-ru.png")
        page.select_option("#language", "en")
        browser.close()


if __name__ == "__main__":
    main()
