"""Build plain ``Attendance`` arrays from small hand-made or networkx graphs."""

import datetime as dt

import networkx as nx
import numpy as np

from network.graphs import Attendance


def attendance(rows, sectors=None, forums=None, organisations=None, org_sectors=None):
    """rows: (contact, forum[, organisation]) tuples; forums: ids in chronological order."""
    contact = np.array([r[0] for r in rows], dtype=np.int64)
    forum = np.array([r[1] for r in rows], dtype=np.int64)
    organisation = np.array([r[2] if len(r) > 2 else -1 for r in rows], dtype=np.int64)
    order = np.array(forums if forums is not None else sorted(set(forum.tolist())), dtype=np.int64)
    start = dt.date(2018, 1, 1).toordinal()
    return Attendance(
        contact=contact,
        forum=forum,
        organisation=organisation,
        role=np.array(["participant"] * len(rows), dtype=object),
        forum_order=order,
        forum_days=start + 30 * np.arange(len(order), dtype=np.int64),
        contact_sector=dict(sectors or {}),
        organisation_sector=dict(org_sectors or {}),
    )


def projected(rows) -> nx.Graph:
    """The co-attendance graph networkx would build, with ``weight`` = forums together."""
    graph = nx.Graph()
    people = sorted({r[0] for r in rows})
    graph.add_nodes_from(people)
    by_forum = {}
    for r in rows:
        by_forum.setdefault(r[1], set()).add(r[0])
    for members in by_forum.values():
        members = sorted(members)
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                weight = graph[a][b]["weight"] + 1 if graph.has_edge(a, b) else 1
                graph.add_edge(a, b, weight=weight)
    return graph


def davis_rows():
    """Davis's Southern Women (18 women, 14 events) as (woman, event) rows, ids from 1."""
    graph = nx.davis_southern_women_graph()
    women = sorted(graph.graph["top"])
    events = sorted(graph.graph["bottom"], key=lambda e: int(e[1:]))
    woman_id = {w: i + 1 for i, w in enumerate(women)}
    event_id = {e: 100 + int(e[1:]) for e in events}
    rows = [(woman_id[w], event_id[e]) for w, e in graph.edges() if w in woman_id] + [
        (woman_id[e], event_id[w]) for w, e in graph.edges() if e in woman_id
    ]
    return graph, women, events, woman_id, event_id, sorted(set(rows))
