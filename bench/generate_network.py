"""Time and peak memory of `generate_network` at 100k and 200k contacts.

Each size runs in a child process on a fresh database (PostgreSQL when it is running here,
else SQLite); the child's own peak resident memory is read from wait4's rusage. Forums scale
with contacts (one per 20 people) and participations with forums (100 each), so 200k contacts
means 10,000 forums and 1,000,000 participations.

    .venv/bin/python bench/generate_network.py [--sizes 100000 200000]
"""

import argparse
import os
import platform
import subprocess
import time

from common import ROOT, fresh_database


def run(contacts: int) -> dict:
    forums = contacts // 20
    url = fresh_database(f"civicnet_bench_{contacts // 1000}k")
    command = [
        str(ROOT / ".venv/bin/python"),
        "manage.py",
        "generate_network",
        f"--contacts={contacts}",
        f"--forums={forums}",
        "--seed=1",
    ]
    started = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, stdout=subprocess.PIPE
    )
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    output = child.stdout.read().decode()
    if status != 0:
        raise SystemExit(f"generate_network failed:\n{output}")
    return {
        "contacts": contacts,
        "forums": forums,
        "participations": forums * 100,
        "seconds": elapsed,
        "peak_mb": usage.ru_maxrss / 1024,
        "database": url.split("://")[0],
        "log": output,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 200_000])
    args = parser.parse_args()
    print(
        f"machine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}"
    )
    rows = [run(size) for size in args.sizes]
    print()
    header = ("contacts", "forums", "participations", "database", "time", "peak RSS")
    print("{:>9} {:>7} {:>15} {:>10} {:>9} {:>10}".format(*header))
    for r in rows:
        print(
            f"{r['contacts']:>9,} {r['forums']:>7,} {r['participations']:>15,} {r['database']:>10} "
            f"{r['seconds']:>8.1f}s {r['peak_mb']:>8.0f}MB"
        )
    print("\nlast run, by stage:")
    print(rows[-1]["log"])


if __name__ == "__main__":
    main()
