"""The network explorer at city scale: 18,590 people, 8.2 million ties.

On the database bench/network_recompute.py generated (civicnet_bench_city), with a stored
snapshot (computed here if missing):
  - the graph request the explorer makes (every person, the strongest 5,000 or 20,000 ties),
    median of 5 after the first, against the floor in the same run: the same rows read with
    values_list and turned into JSON with no framework around them;
  - in headless Chromium (Debian's package, software WebGL), the time from opening the page
    to everyone drawn, and the median frame time afterwards.

    .venv/bin/python bench/network_explorer.py
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/civicnet_bench_city")
PORT = 8799
USER, PASSWORD = "bench-explorer", "bench-explorer-password"


def median_ms(call, repeat=5) -> float:
    call()  # the first request computes and caches the positions
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def main():
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.test import Client

    from crm.models import Contact
    from crm.roles import COORDINATOR, roles_sync
    from network.models import ActorMetrics, NetworkTie
    from network.selectors import snapshot_select

    if Contact.objects.count() < 10_000:
        raise SystemExit("run bench/network_recompute.py first (it fills civicnet_bench_city)")
    snapshot = snapshot_select()
    if snapshot is None:
        call_command("compute_network")
        snapshot = snapshot_select()
    roles_sync()
    user, _ = User.objects.get_or_create(username=USER)
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=COORDINATOR))
    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    client.force_login(user)

    print(
        f"snapshot #{snapshot.pk}: {snapshot.sizes.get('contacts')} people, "
        f"{snapshot.sizes.get('ties'):,} ties"
    )
    for limit in (5_000, 20_000):

        def api(limit=limit):
            response = client.get("/api/v1/network/graph/", {"limit": limit, "everyone": "true"})
            assert response.status_code == 200
            return response

        def floor(limit=limit):
            people = list(
                ActorMetrics.objects.filter(snapshot=snapshot).values_list(
                    "contact_id",
                    "contact__given_name",
                    "contact__family_name",
                    "sector",
                    "community",
                    "betweenness",
                )
            )
            ties = list(
                NetworkTie.objects.filter(snapshot=snapshot)
                .order_by("-weight", "-newman_weight", "id")
                .values_list("source_id", "target_id", "weight")[:limit]
            )
            return json.dumps({"people": people, "ties": ties})

        ours, base = median_ms(api), median_ms(floor)
        size = len(api().content) / 1e6
        print(
            f"graph API, everyone + {limit:,} ties: {ours:.0f} ms ({size:.1f} MB); "
            f"values_list + json.dumps: {base:.0f} ms; ratio {ours / base:.2f}x"
        )

    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{PORT}", "--noreload"],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "true"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        browser_figures()
    finally:
        server.terminate()
        server.wait()


def browser_figures():
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{PORT}"
    drawn = "Number(document.getElementById('graph').dataset.nodesDrawn) > 0"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--enable-unsafe-swiftshader", "--use-angle=swiftshader"],
        )
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        for _ in range(60):  # the server is starting
            try:
                page.goto(f"{base}/login/")
                break
            except Exception:
                time.sleep(0.5)
        page.fill("#id_username", USER)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        for limit in ("5000", "20000"):
            started = time.perf_counter()
            page.goto(f"{base}/network/")
            if limit != "5000":
                page.wait_for_function(drawn, timeout=120_000)
                page.evaluate("document.getElementById('graph').dataset.nodesDrawn = '0'")
                started = time.perf_counter()
                page.select_option("#f-limit", limit)
            page.wait_for_function(drawn, timeout=120_000)
            seconds = time.perf_counter() - started
            frame = page.evaluate(
                """async () => {
                  const frames = []; let last = performance.now();
                  for (let i = 0; i < 60; i++) {
                    await new Promise((r) => requestAnimationFrame(r));
                    const now = performance.now(); frames.push(now - last); last = now;
                  }
                  frames.sort((a, b) => a - b);
                  return frames[30];
                }"""
            )
            print(
                f"browser, {page.inner_text('#graph-status')} (people / ties): drawn in "
                f"{seconds:.1f} s, median frame {frame:.1f} ms"
            )
        browser.close()


if __name__ == "__main__":
    main()
