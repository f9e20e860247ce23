from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from crm.models import Sector
from network.metrics import BrokerageRole
from network.selectors import broker_queryset, forum_growth_list, sector_matrix, snapshot_select
from web.access import may, page

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
            "metrics": list(METRIC_LABELS.items()),
            "sectors": Sector.choices,
            "can_recompute": may(request.user, "network.add_networksnapshot"),
        },
    )
