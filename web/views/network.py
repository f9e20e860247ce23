from django.shortcuts import render

from crm.models import Sector
from network.api.serializers import METRIC_FIELDS
from network.models import ForumGrowth
from network.selectors import broker_queryset, sector_matrix, snapshot_select
from web.access import may, page


@page
def explorer(request):
    """The page itself is light: the graph comes from /api/v1/network/graph/ (stored
    snapshot, positions fixed per snapshot) and is drawn with WebGL in the browser."""
    snapshot = snapshot_select()
    forums = []
    brokers = []
    matrix = None
    if snapshot is not None:
        forums = list(
            ForumGrowth.objects.filter(snapshot=snapshot).select_related("forum").order_by("rank")
        )
        brokers = list(broker_queryset(snapshot)[:15])
        matrix = sector_matrix(snapshot)
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
            "metrics": METRIC_FIELDS,
            "sectors": Sector.choices,
            "can_recompute": may(request.user, "network.add_networksnapshot"),
        },
    )
