"""Private Redis and PostgreSQL servers that a test or a benchmark may stop and start.

The machine's own services (127.0.0.1:5432 and :6379) are shared with other people and with
CI, so the outage tests never touch them: they start their own on free ports, in a
temporary directory, and remove them afterwards. Each class raises ``Unavailable`` (with
the reason) when its binaries are missing, so callers can skip or fail as they must.
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from tests.smtp_server import free_port

POSTGRES_BIN = Path(os.environ.get("POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))


class Unavailable(Exception):
    """A private service cannot be started here (binaries or a user missing)."""


class PrivateRedis:
    """``redis-server`` on a free port without persistence: a restart starts empty, as a
    Redis without persistence does after a crash, so every queued task is lost."""

    def __init__(self, port: int | None = None):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise Unavailable("redis-server is not installed")
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self, timeout: float = 10) -> None:
        import redis

        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "no", "--loglevel", "warning"]  # fmt: skip
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if self.process.poll() is not None:
                    code = self.process.returncode
                    raise Unavailable(f"redis-server exited with {code}") from None
                time.sleep(0.05)
        raise Unavailable(f"redis-server did not answer on port {self.port}")

    def stop(self) -> None:
        """As a crash: SIGKILL, nothing saved; clients see their connections reset."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


class PrivatePostgres:
    """A throw-away PostgreSQL cluster (initdb in a temporary directory) on a free port,
    with trust authentication on loopback. initdb and the server refuse to run as root, so
    as root they run as the ``postgres`` user."""

    def __init__(self, port: int | None = None):
        for tool in ("initdb", "pg_ctl"):
            if not (POSTGRES_BIN / tool).exists():
                raise Unavailable(f"{POSTGRES_BIN / tool} is missing (set POSTGRES_BIN)")
        for client in ("psql", "pg_dump"):
            if shutil.which(client) is None:
                raise Unavailable(f"{client} is not installed")
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            if runuser is None:
                raise Unavailable("running as root without runuser to become postgres")
            try:
                import pwd

                self.owner = pwd.getpwnam("postgres")
            except KeyError as error:
                raise Unavailable("running as root and there is no postgres user") from error
            self.as_user = [runuser, "-u", "postgres", "--"]
        self.port = port or free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="civicnet-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "server.log"
        if self.as_user:
            os.chown(self.directory, self.owner.pw_uid, self.owner.pw_gid)
        self._run(POSTGRES_BIN / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
                  "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip

    def _run(self, *command, check=True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [*self.as_user, *map(str, command)], capture_output=True, text=True, check=False
        )
        if check and result.returncode:
            raise Unavailable(f"{command[0]} failed: {result.stderr.strip() or result.stdout}")
        return result

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
                   " -c fsync=off -c synchronous_commit=off -c full_page_writes=off")  # fmt: skip
        self._run(POSTGRES_BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-o", options,
                  "-w", "-t", "60", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """``fast`` ends every session at once, as a restart does; ``immediate`` as a crash."""
        self._run(POSTGRES_BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop",
                  check=False)  # fmt: skip

    def restart(self, down_for: float = 0.0) -> None:
        self.stop()
        time.sleep(down_for)
        self.start()

    def psql(self, sql: str, database: str = "postgres") -> None:
        subprocess.run(["psql", "-q", self.url(database), "-c", sql], check=True,
                       capture_output=True)  # fmt: skip

    def copy_from(self, source_url: str, database: str) -> str:
        """A new database here holding everything ``source_url`` has (a migrated test
        database, typically): quicker than migrating from scratch."""
        self.psql(f'CREATE DATABASE "{database}"')
        dump = subprocess.Popen(["pg_dump", "--no-owner", source_url], stdout=subprocess.PIPE)
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", self.url(database)],
                       stdin=dump.stdout, check=True, capture_output=True)  # fmt: skip
        if dump.wait():
            raise Unavailable(f"pg_dump of {source_url} failed")
        return self.url(database)

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.remove()


def terminate(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM a process group started with ``start_new_session``, then SIGKILL."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
