from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.ids import MAX_ID
from crm.models import Sector
from network.metrics import BrokerageRole
from network.selectors import (
    actor_of,
    actor_search,
    broker_profile,
    broker_queryset,
    forum_growth_list,
    sector_matrix,
    snapshot_select,
)
from web.access import may, page
from web.metric_definitions import DEFINITIONS

METRIC_LABELS = {
    "degree": _("Ties"),
    "weighted_degree": _("Forums shared with others"),
    "betweenness": _("Betweenness"),
    "closeness": _("Closeness"),
    "pagerank": _("PageRank"),
    "constraint": _("Constraint (Burt)"),
    "effective_size": _("Effective size"),
    "cross_sector_ties": _("Cross-sector ties"),
    "sectors_reached": _("Sectors reached"),
    "ei_index": _("E-I index"),
    **{role.value: role.label for role in BrokerageRole},
}


@page("network.view_networksnapshot", "network.view_actormetrics")
def explorer(request):
    """The page itself is light: the graph comes from /api/v1/network/graph/ (stored
    snapshot, positions fixed per snapshot) and is drawn with WebGL in the browser."""
    snapshot = snapshot_select()
    forums = forum_growth_list(snapshot)
    brokers = []
    matrix = None
    if snapshot is not None:
        brokers = list(broker_queryset(snapshot)[:15])
        matrix = sector_matrix(snapshot)
        names = dict(Sector.choices)
        matrix["labels"] = [names.get(label, label or "—") for label in matrix["labels"]]
        matrix["rows"] = list(zip(matrix["labels"], matrix["ties"], strict=True))
    return render(
        request,
        "web/network/explorer.html",
        {
            "section": "network",
            "snapshot": snapshot,
            "forums": forums,
            "brokers": brokers,
            "forums_json": [
                {"id": g.forum_id, "label": str(g.forum), "rank": g.rank} for g in forums
            ],
            "matrix": matrix,
            "metrics": [
                (metric, label, DEFINITIONS[metric].line) for metric, label in METRIC_LABELS.items()
            ],
            "sectors": Sector.choices,
            "explorer_texts": {
                "drawn": _("%(people)s people and %(ties)s ties drawn."),
                "loading": _("Drawing…"),
                "not_drawn": _("Not drawn with these filters: change them to see this person."),
                "crossed": _(
                    "The first forum cannot come after the last: the other slider moved with it."
                ),
                "failed": _("The network could not be loaded:"),
            },
            "can_recompute": may(request.user, "network.add_networksnapshot"),
        },
    )


SEARCH_LIMIT = 20


@page("network.view_networksnapshot", "network.view_actormetrics")
def people_search(request):
    """The explorer's "Find a person": people of the snapshot whose name matches in any
    script (core.names, as on the contacts page), each with their organisation and city so
    that namesakes can be told apart. An HTML fragment for the explorer's list."""
    query = request.GET.get("q", "")[:200]
    snapshot = _snapshot(request)
    people = actor_search(snapshot, query, limit=SEARCH_LIMIT + 1) if snapshot else []
    return render(
        request,
        "web/network/people.html",
        {
            "query": query.strip(),
            "people": people[:SEARCH_LIMIT],
            "more": len(people) > SEARCH_LIMIT,
        },
    )


@page("network.view_networksnapshot", "network.view_actormetrics")
def person_summary(request, pk: int):
    """The summary that opens beside the explorer's canvas when a person is chosen."""
    snapshot = _snapshot(request)
    actor = actor_of(snapshot, pk) if snapshot else None
    if actor is None:
        raise Http404
    return render(
        request,
        "web/network/person.html",
        {"actor": actor, "broker": broker_profile(actor), "snapshot": snapshot},
    )


def _snapshot(request):
    """The snapshot the explorer drew (``?snapshot=``), else the latest."""
    try:
        snapshot_id = int(request.GET.get("snapshot", ""))
    except ValueError:
        return snapshot_select()
    if not 1 <= snapshot_id <= MAX_ID:
        return None
    return snapshot_select(snapshot_id=snapshot_id)
