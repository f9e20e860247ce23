"""`make run` with no broker configured behaves like production: long work answers 202 at
once and finishes in the worker beside the server, a check-in is followed by fresh analytics
without anyone pressing Recompute, and Ctrl-C stops the server, the worker and beat.

These run the real `make run` (without its install step) on a temporary SQLite file and a
temporary embedded-broker folder, and talk to it over HTTP as a coordinator would. They need
no service, only `make` and supervisord from the virtualenv.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import service_unavailable
from tests.integration.conftest import ROOT, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# Whatever the suite itself runs against (CI sets PostgreSQL and Redis): `make run` here
# gets none of it, as on a fresh machine.
UNSET = {"DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "DJANGO_SETTINGS_MODULE",
         "CACHE_URL", "EMAIL_URL", "EMBEDDED_BROKER_DIR"}  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MakeRun:
    """`make run` in its own process group, so that SIGINT reaches make and supervisord
    as Ctrl-C in a terminal does."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = directory / "make-run.log"
        self.heartbeats = directory / "heartbeats"
        self.broker = directory / "broker"
        env = {key: value for key, value in os.environ.items() if key not in UNSET}
        env.update(
            DATABASE_URL=f"sqlite:///{directory / 'db.sqlite3'}",
            EMBEDDED_BROKER_DIR=str(self.broker),
            WORKER_HEARTBEAT_DIR=str(self.heartbeats),
            WORKER_HEARTBEAT_SECONDS="1",
            # The debounce itself is what runs; a test need not wait its two minutes.
            NETWORK_RECOMPUTE_DELAY="3",
            ENGAGEMENT_RECOMPUTE_DELAY="3",
        )
        command = ["make", "--no-print-directory", "-o", "install", "run", "HOST=127.0.0.1",
                   f"PORT={self.port}", f"RUN_DIR={directory / 'run'}"]  # fmt: skip
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def token(self) -> str | None:
        found = re.search(r"user 'coordinator' .* API token (\w+)", self.output())
        return found.group(1) if found else None

    def serving(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"make run exited:\n{self.output()[-4000:]}")
        try:
            return requests.get(f"{self.url}/login/", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    def worker_consuming(self) -> bool:
        return any(self.heartbeats.glob("*.json"))

    def spawned(self) -> dict[str, int]:
        """The pid of each program supervisord started (the last one of each name)."""
        return {
            name: int(pid)
            for name, pid in re.findall(r"spawned: '(\w+)' with pid (\d+)", self.output())
        }

    def interrupt(self) -> None:
        os.killpg(self.process.pid, signal.SIGINT)

    def kill(self) -> None:
        for pgid in [self.process.pid, *self.spawned().values()]:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
        self.process.wait()


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def make_run(tmp_path_factory):
    if shutil.which("make") is None:
        service_unavailable("make is not installed")
    if not (ROOT / ".venv/bin/supervisord").exists():
        service_unavailable("supervisord is not installed in .venv (pyproject.toml lists it)")
    server = MakeRun(tmp_path_factory.mktemp("make-run"))
    try:
        # Migrations, the demo and its first snapshots come first (the first run on a
        # machine compiles the graph kernels).
        if not wait_for(server.serving, timeout=600, every=1):
            raise RuntimeError(f"make run did not serve:\n{server.output()[-4000:]}")
        assert wait_for(server.worker_consuming, timeout=120), server.output()[-4000:]
        yield server
    finally:
        if server.process.poll() is None:
            server.kill()


@pytest.fixture
def api(make_run):
    session = requests.Session()
    session.headers["Authorization"] = f"Token {make_run.token()}"
    return session


def coordinator_signed_in(make_run) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{make_run.url}/login/", timeout=10)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{make_run.url}/login/",
        data={"username": "coordinator", "password": "wealmaty-demo",
              "csrfmiddlewaretoken": csrf},
        headers={"Referer": f"{make_run.url}/login/"},
        timeout=10,
    )  # fmt: skip
    assert answer.url.rstrip("/") == make_run.url, "the demo coordinator could not sign in"
    return session


def test_a_recompute_answers_202_at_once_and_the_worker_finishes_it(make_run, api):
    started = time.perf_counter()
    answer = api.post(f"{make_run.url}/api/v1/network/recompute/", json={}, timeout=10)
    elapsed = time.perf_counter() - started
    assert answer.status_code == 202, answer.text
    assert elapsed < 1.0
    # Not computed in the request: the worker has it.
    assert answer.json()["status"] == "queued"

    snapshot = f"{make_run.url}/api/v1/network/recompute/{answer.json()['id']}/"
    seen = []

    def done() -> bool:
        state = api.get(snapshot, timeout=10).json()
        seen.append((state["status"], state["progress"]))
        return state["status"] in ("done", "failed")

    assert wait_for(done, timeout=300, every=0.2), make_run.output()[-4000:]
    assert seen[-1] == ("done", 100)
    assert (
        api.get(f"{make_run.url}/api/v1/network/actors/", timeout=10).json()["snapshot"]["id"]
        == answer.json()["id"]
    )


def test_a_check_in_is_followed_by_fresh_analytics_without_a_recompute(make_run, api):
    url = make_run.url
    forum = api.get(f"{url}/api/v1/forums/", params={"ordering": "-date"}, timeout=10).json()
    forum = forum["results"][0]["id"]
    contact = api.post(
        f"{url}/api/v1/contacts/",
        json={"given_name": "Aigerim", "family_name": "Walk-in", "language": "kk"},
        timeout=10,
    )
    assert contact.status_code == 201, contact.text
    contact = contact.json()["id"]
    registered = api.post(
        f"{url}/api/v1/participations/",
        json={"contact": contact, "forum": forum, "role": "participant", "status": "registered"},
        timeout=10,
    )
    assert registered.status_code == 201, registered.text
    participation = registered.json()["id"]

    def network_has_them() -> bool:
        return api.get(f"{url}/api/v1/network/actors/", params={"contact": contact},
                       timeout=10).json()["count"] == 1  # fmt: skip

    def attended_in_engagement() -> int | None:
        rows = api.get(f"{url}/api/v1/engagement/contacts/", params={"contact": contact},
                       timeout=10).json()["results"]  # fmt: skip
        return rows[0]["forums_attended"] if rows else None

    assert not network_has_them()  # registered is not attended: no ties yet

    # The coordinator taps "Mark attended" on the check-in page, as htmx sends it.
    coordinator = coordinator_signed_in(make_run)
    page = coordinator.get(f"{url}/forums/{forum}/check-in/", params={"q": "Walk-in"},
                           timeout=10)  # fmt: skip
    assert f"participation-{participation}" in page.text
    marked = coordinator.post(
        f"{url}/participations/{participation}/mark/",
        data={"status": "attended"},
        headers={"X-CSRFToken": coordinator.cookies["csrftoken"], "HX-Request": "true",
                 "Referer": page.url},
        timeout=10,
    )  # fmt: skip
    assert marked.status_code == 200
    assert "attended" in marked.text

    # Nobody asks for a recompute: the debounced automatic ones follow the change.
    assert wait_for(network_has_them, timeout=300, every=0.5), make_run.output()[-4000:]
    latest = api.get(f"{url}/api/v1/network/actors/", params={"contact": contact},
                     timeout=10).json()["snapshot"]  # fmt: skip
    assert latest["trigger"] == "automatic"
    assert wait_for(lambda: attended_in_engagement() == 1, timeout=300, every=0.5)


def test_beat_sends_the_periodic_sweeps_through_the_embedded_broker(make_run):
    def swept() -> bool:
        output = make_run.output()
        # One sweep comes from the worker when it connects; beat sends the others each minute.
        return "Sending due task snapshots-sweep" in output and (
            len(re.findall(r"Task snapshots\.sweep\[[\w-]+\] succeeded", output)) >= 2
        )

    assert wait_for(swept, timeout=150, every=1), make_run.output()[-4000:]


def test_ctrl_c_stops_the_server_the_worker_and_beat(make_run):
    programs = make_run.spawned()
    assert set(programs) == {"web", "worker", "beat"}
    assert all(group_alive(pid) for pid in programs.values())

    make_run.interrupt()
    make_run.process.wait(timeout=120)

    # Each program ran in a process group of its own (runserver's reloaded child, the
    # worker's pool): none of them is left. runserver's child may outlive its parent, which
    # supervisord waits for, by a moment.
    def left() -> list[str]:
        return [name for name, pid in programs.items() if group_alive(pid)]

    assert wait_for(lambda: not left(), timeout=15), left()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{make_run.url}/login/", timeout=2)
