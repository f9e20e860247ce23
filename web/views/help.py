from django.shortcuts import render

from web.access import page
from web.metric_definitions import ENGAGEMENT, NETWORK


@page("network.view_actormetrics", "engagement.view_contactengagement")
def metric_definitions(request):
    """What every figure on the pages means, where it comes from and why it was chosen."""
    return render(
        request,
        "web/help/metrics.html",
        {"section": "", "groups": [("network", NETWORK), ("engagement", ENGAGEMENT)]},
    )
