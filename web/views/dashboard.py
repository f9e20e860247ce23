from django.shortcuts import render
from django.utils.translation import gettext as _

from crm.selectors.counts import headline_counts
from crm.selectors.forums import recent_forums, upcoming_forums
from web import selectors
from web.access import page


@page(
    "crm.view_forum",
    "crm.view_participation",
    "crm.view_contact",
    "network.view_forumgrowth",
    "network.view_actormetrics",
    "engagement.view_contactengagement",
    "outreach.view_mailing",
)
def dashboard(request):
    forums = recent_forums()
    _snapshot, lapsed = selectors.lapsed_regulars(limit=8)
    growth = selectors.network_growth()
    return render(
        request,
        "web/dashboard.html",
        {
            "counts": headline_counts(),
            "sector_mix": selectors.sector_mix_chart(forums),
            "growth": growth,
            "growth_chart": {
                "labels": [selectors.forum_label(g.forum.number, g.forum.title) for g in growth],
                "first_timers": [g.first_timers for g in growth],
                "new_cross_sector_ties": [g.new_cross_sector_ties for g in growth],
            },
            "growth_names": {"first": _("First-timers"), "cross": _("New cross-sector ties")},
            "brokers": selectors.top_brokers(),
            "lapsed": lapsed,
            "mailings": selectors.mailings_in_progress(),
            "upcoming": upcoming_forums(),
        },
    )
