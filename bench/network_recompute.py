"""Network recompute: our pipeline against a naive networkx pipeline and python-igraph.

City scale (default): 20,000 contacts, 500 forums, 100,000 participations in one city,
generated with `generate_network`. In the same run:

  ours    the full recompute (network.analysis.network_analyse): projection, every
          per-contact metric (betweenness and closeness from 256 seeded pivots, since the
          graph has more than 5,000 people), Louvain, Burt, brokerage, sectors, growth,
          strongest ties, and the same again for the organisation graph;
  igraph  the same metric set on the contact graph, computed the way igraph can: its
          bipartite projection with multiplicities, betweenness from the same pivots
          (``sources=``), harmonic closeness from the pivots' distance rows, PageRank,
          multilevel (Louvain) and Burt's constraint (timed on 200 people and scaled: on
          everyone it had not finished after 45 minutes). igraph has no effective size,
          no brokerage roles, no growth: those are left out of its total;
  naive   networkx as a first attempt would: bipartite.weighted_projected_graph, then
          exact betweenness and harmonic closeness, PageRank, Louvain, constraint and
          effective size. Exact shortest paths from every one of ~18,500 people would take
          days, so they are timed from a sample of sources and scaled to all of them (the
          only extrapolated figures, marked as such). The other stages run on everyone and
          are stopped after 5 minutes each; a stopped stage counts 5 minutes, a lower bound.

Peak memory is the resident set of a child process that runs one pipeline only.

    .venv/bin/python bench/network_recompute.py              # city scale
    .venv/bin/python bench/network_recompute.py --accuracy   # + the approximations' effect
    .venv/bin/python bench/network_recompute.py --national   # 200k contacts: time, memory
"""

import argparse
import json
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

from common import RESULTS, fresh_database, postgres_available  # noqa: E402

CITY = {"contacts": 20_000, "forums": 500, "participations": 100_000, "cities": 1}
NATIONAL = {"contacts": 200_000, "forums": 10_000, "participations": 1_000_000, "cities": 10}


def dataset(name: str, shape: dict, reuse: bool) -> Path:
    """Generate the data once into a database, and dump the attendance arrays to a file."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    dump = RESULTS / f"{name}.attendance.pickle"
    if reuse and dump.exists():
        return dump
    url = fresh_database(f"civicnet_bench_{name}")
    run = [str(ROOT / ".venv/bin/python"), "manage.py", "generate_network", "--seed", "1"]
    run += [f"--{key}={value}" for key, value in shape.items()]
    subprocess.run(run, cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, check=True)
    code = (
        "import pickle, django; django.setup();"
        "from network.selectors import attendance_read;"
        f"pickle.dump(attendance_read(), open({str(dump)!r}, 'wb'))"
    )
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-c", code],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
    )
    return dump


def in_child(pipeline: str, dump: Path, extra: dict | None = None) -> dict:
    """Run one pipeline in a fresh process; return its figures and peak memory."""
    payload = json.dumps({"pipeline": pipeline, "dump": str(dump), **(extra or {})})
    child = subprocess.Popen(
        [str(ROOT / ".venv/bin/python"), __file__, "--child", payload],
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )
    _, status, usage = os.wait4(child.pid, 0)
    output = child.stdout.read().decode()
    if status != 0:
        raise SystemExit(f"{pipeline} failed:\n{output}")
    result = json.loads(output.strip().splitlines()[-1])
    result["peak_mb"] = usage.ru_maxrss / 1024
    return result


# --- the pipelines (each runs in its own child process) ------------------------------------


def run_ours(attendance, options) -> dict:
    from network.analysis import AnalysisParameters, network_analyse
    from network.metrics import BrokerageRole

    GATEKEEPER, CONSULTANT, LIAISON = (BrokerageRole.GATEKEEPER, BrokerageRole.CONSULTANT,
                                       BrokerageRole.LIAISON)  # fmt: skip
    parameters = AnalysisParameters(**options.get("parameters", {}))
    started = time.perf_counter()
    result = network_analyse(attendance, parameters)
    total = time.perf_counter() - started
    out = {"seconds": total, "timings": result.timings, "sizes": result.sizes}
    if options.get("keep"):
        keep = RESULTS / options["keep"]
        metrics = result.contact_metrics
        np.savez(
            keep,
            ids=result.contacts.ids,
            betweenness=metrics.betweenness,
            closeness=metrics.closeness,
            pagerank=metrics.pagerank,
            constraint=metrics.constraint,
            brokerage=sum(metrics.brokerage[r] for r in (GATEKEEPER, CONSULTANT, LIAISON)),
        )
    return out


def run_igraph(attendance, options) -> dict:
    import igraph as ig

    from network.graphs import contact_membership

    timings = {}
    membership = contact_membership(attendance)
    b = membership.matrix.tocoo()
    n_people = membership.matrix.shape[0]
    started = time.perf_counter()
    bipartite = ig.Graph.Bipartite(
        [False] * n_people + [True] * membership.matrix.shape[1],
        list(zip(b.row.tolist(), (b.col + n_people).tolist(), strict=True)),
    )
    graph, _ = bipartite.bipartite_projection(multiplicity=True, which="both")
    timings["projection"] = time.perf_counter() - started
    weights = graph.es["weight"]
    n = graph.vcount()
    rng = np.random.default_rng(2017)
    pivots = sorted(rng.choice(n, size=min(256, n), replace=False).tolist())
    step = time.perf_counter()
    graph.betweenness(sources=pivots)
    timings["betweenness (same pivots)"] = time.perf_counter() - step
    step = time.perf_counter()
    graph.distances(source=pivots)
    timings["closeness (pivot distances)"] = time.perf_counter() - step
    step = time.perf_counter()
    graph.pagerank(weights=weights)
    timings["pagerank"] = time.perf_counter() - step
    step = time.perf_counter()
    graph.community_multilevel(weights=weights)
    timings["louvain"] = time.perf_counter() - step
    # igraph's constraint on all 18,500 people ran for over 45 minutes here without
    # finishing; it is timed on a sample and scaled, like the naive pipeline's slow parts.
    sample = rng.choice(n, size=200, replace=False).tolist()
    step = time.perf_counter()
    graph.constraint(sample, weights=weights)
    extrapolated = {"constraint": (time.perf_counter() - step) / len(sample) * n}
    step = time.perf_counter()
    graph.strength(weights=weights)
    graph.degree()
    timings["degree"] = time.perf_counter() - step
    measured = sum(timings.values())
    return {
        "seconds": measured + sum(extrapolated.values()),
        "measured_seconds": measured,
        "timings": timings,
        "extrapolated": extrapolated,
    }


class TooLong(Exception):
    pass


def timed(call, limit: float):
    """Seconds a call took, or None when it was stopped at ``limit`` seconds."""
    import signal

    def stop(signum, frame):
        raise TooLong

    signal.signal(signal.SIGALRM, stop)
    signal.alarm(int(limit))
    started = time.perf_counter()
    try:
        call()
    except TooLong:
        return None
    finally:
        signal.alarm(0)
    return time.perf_counter() - started


def run_naive(attendance, options) -> dict:
    import random

    import networkx as nx
    from networkx.algorithms import bipartite

    timings, extrapolated = {}, {}
    started = time.perf_counter()
    graph = nx.Graph()
    people = [("c", int(c)) for c in np.unique(attendance.contact)]
    graph.add_nodes_from(people, bipartite=0)
    graph.add_edges_from(
        (("c", int(c)), ("f", int(f)))
        for c, f in zip(attendance.contact.tolist(), attendance.forum.tolist(), strict=True)
    )
    projection = bipartite.weighted_projected_graph(graph, people)
    timings["projection"] = time.perf_counter() - started
    n = projection.number_of_nodes()
    rng = random.Random(1)
    for name, sample, run in (
        ("betweenness (exact)", 4, lambda k: nx.betweenness_centrality(projection, k=k, seed=1)),
        (
            "harmonic closeness (exact)",
            4,
            lambda k: nx.harmonic_centrality(projection, sources=rng.sample(list(projection), k)),
        ),
    ):
        step = time.perf_counter()
        run(sample)
        elapsed = time.perf_counter() - step
        extrapolated[name] = elapsed / sample * n
    stopped = {}
    # The rest runs on everyone, as a first attempt would call it (networkx 3.6 takes a
    # scipy path for constraint and effective size on all nodes), each stage stopped at
    # ``limit`` seconds: a stopped stage counts as that many seconds, a lower bound.
    limit = options.get("limit", 300)
    for name, call in (
        ("pagerank", lambda: nx.pagerank(projection, weight="weight")),
        ("louvain", lambda: nx.community.louvain_communities(projection, weight="weight", seed=1)),
        ("constraint", lambda: nx.constraint(projection, weight="weight")),
        ("effective size", lambda: nx.effective_size(projection, weight="weight")),
    ):
        seconds = timed(call, limit)
        if seconds is None:
            stopped[name] = limit  # a lower bound: it was still running
        else:
            timings[name] = seconds
    measured = sum(timings.values())
    return {
        "seconds": measured + sum(extrapolated.values()) + sum(stopped.values()),
        "measured_seconds": measured,
        "timings": timings,
        "extrapolated": extrapolated,
        "stopped": stopped,
    }


def child(payload: str) -> None:
    options = json.loads(payload)
    with open(options["dump"], "rb") as handle:
        attendance = pickle.load(handle)
    import django

    django.setup()
    pipeline = {"ours": run_ours, "igraph": run_igraph, "naive": run_naive}[options["pipeline"]]
    print(json.dumps(pipeline(attendance, options)))


# --- reports ------------------------------------------------------------------------------


def top_overlap(exact: np.ndarray, estimate: np.ndarray, top: int = 100) -> tuple[float, float]:
    """Spearman correlation over the exact top ``top``, and how many of them the estimate
    also ranks in its own top ``top`` (as a share)."""
    from scipy.stats import spearmanr

    best = np.argsort(-exact)[:top]
    rho = spearmanr(exact[best], estimate[best]).statistic
    shared = len(set(best.tolist()) & set(np.argsort(-estimate)[:top].tolist())) / top
    return float(rho), shared


def city(reuse: bool, accuracy: bool) -> None:
    dump = dataset("city", CITY, reuse)
    print(f"city scale: {CITY}\n")
    ours = in_child("ours", dump, {"keep": "city-ours.npz"})
    print(f"ours    {ours['seconds']:8.1f}s  peak {ours['peak_mb']:6.0f} MB  {ours['sizes']}")
    for stage, seconds in ours["timings"].items():
        print(f"          {stage:44} {seconds:7.1f}s")
    graph = in_child("igraph", dump)
    print(
        f"igraph  {graph['seconds']:8.1f}s  peak {graph['peak_mb']:6.0f} MB "
        f"(measured {graph['measured_seconds']:.1f}s, constraint extrapolated)"
    )
    for stage, seconds in graph["timings"].items():
        print(f"          {stage:44} {seconds:7.1f}s")
    for stage, seconds in graph["extrapolated"].items():
        print(f"          {stage + ' (extrapolated from 200 people)':44} {seconds:7.1f}s")
    naive = in_child("naive", dump)
    print(
        f"naive   {naive['seconds']:8.1f}s  peak {naive['peak_mb']:6.0f} MB "
        f"(measured {naive['measured_seconds']:.1f}s, the rest extrapolated or a lower bound)"
    )
    for stage, seconds in naive["timings"].items():
        print(f"          {stage:44} {seconds:7.1f}s")
    for stage, seconds in naive["extrapolated"].items():
        print(f"          {stage + ' (extrapolated)':44} {seconds:7.1f}s")
    for stage, seconds in naive["stopped"].items():
        print(f"          {stage + ' (stopped, still running)':44} >{seconds:6.0f}s")
    print(
        f"\nours vs naive: {naive['seconds'] / ours['seconds']:.0f}x faster; "
        f"ours / igraph: {ours['seconds'] / graph['seconds']:.2f}x "
        f"(igraph without effective size, brokerage, growth or the organisation graph)"
    )
    if accuracy:
        exact = in_child(
            "ours", dump, {"parameters": {"exact_limit": 10**9}, "keep": "city-exact.npz"}
        )
        capped = in_child(
            "ours", dump, {"parameters": {"plenary_cap": 300}, "keep": "city-capped.npz"}
        )
        print(
            f"\nexact reference: {exact['seconds']:.1f}s; plenary cap 300: {capped['seconds']:.1f}s"
        )
        reference = np.load(RESULTS / "city-exact.npz")
        for label, name in (
            ("256 pivots", "city-ours.npz"),
            ("plenary cap 300", "city-capped.npz"),
        ):
            estimate = np.load(RESULTS / name)
            for metric in ("betweenness", "closeness", "pagerank", "constraint", "brokerage"):
                rho, shared = top_overlap(
                    np.nan_to_num(reference[metric]), np.nan_to_num(estimate[metric])
                )
                print(f"  {label:16} {metric:12} top-100 Spearman {rho:6.3f}, shared {shared:4.0%}")


def national(reuse: bool, cap: int | None) -> None:
    dump = dataset("national", NATIONAL, reuse)
    parameters = {"plenary_cap": cap} if cap else {}
    ours = in_child("ours", dump, {"parameters": parameters})
    print(f"national scale: {NATIONAL}, parameters {parameters or 'defaults'}")
    print(f"ours    {ours['seconds']:8.1f}s  peak {ours['peak_mb']:6.0f} MB  {ours['sizes']}")
    for stage, seconds in ours["timings"].items():
        print(f"          {stage:44} {seconds:7.1f}s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--national", action="store_true")
    parser.add_argument("--plenary-cap", type=int, default=None)
    parser.add_argument("--accuracy", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="reuse generated data")
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    if not postgres_available():
        print("note: PostgreSQL is not running; generating into SQLite files instead")
    if args.national:
        national(args.reuse, args.plenary_cap)
    else:
        city(args.reuse, args.accuracy)


if __name__ == "__main__":
    main()
