"""Reads that only the pages need (the rest come from crm, network, engagement, outreach)."""

from django.utils.text import Truncator

from crm.models import Forum, Sector
from crm.models.choices import UNKNOWN_SECTOR, UNKNOWN_SECTOR_LABEL
from engagement.selectors import attended_by_sector, engagement_snapshot_select, lapsed_queryset
from network.models import ForumGrowth
from network.selectors import broker_queryset, forum_growth_list, snapshot_select


def forum_label(number: int | None, title: str) -> str:
    """A short label for a chart axis: "#7", or the title cut to fit."""
    return f"#{number}" if number else Truncator(title).chars(18)


def sector_mix_chart(forums: list[Forum]) -> dict:
    """Chart.js data for stacked bars: one dataset per sector, one bar per forum."""
    mix = attended_by_sector([f.pk for f in forums])
    return {
        "labels": [forum_label(f.number, f.title) for f in forums],
        "datasets": [
            {
                "label": str(label),
                "sector": value,
                "data": [mix.get(f.pk, {}).get(value, 0) for f in forums],
            }
            for value, label in [*Sector.choices, (UNKNOWN_SECTOR, UNKNOWN_SECTOR_LABEL)]
            if value or any(mix.get(f.pk, {}).get(value) for f in forums)
        ],
    }


def network_growth(limit: int = 20) -> list[ForumGrowth]:
    return forum_growth_list(snapshot_select(), last=limit)


def top_brokers(limit: int = 8):
    snapshot = snapshot_select()
    return [] if snapshot is None else list(broker_queryset(snapshot)[:limit])


def lapsed_regulars(*, limit: int = 10):
    """The latest snapshot's lapsed regulars, by its own rule (engagement.selectors)."""
    snapshot = engagement_snapshot_select()
    if snapshot is None:
        return None, []
    return snapshot, list(lapsed_queryset(snapshot)[:limit])
