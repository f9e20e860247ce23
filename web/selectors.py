"""Reads that only the pages need (the rest come from crm, network, engagement, outreach)."""

from django.utils.text import Truncator

from crm.models import Forum, Sector
from engagement.selectors import attended_by_sector, engagement_snapshot_select, lapsed_queryset
from network.models import ForumGrowth
from network.selectors import broker_queryset, forum_growth_list, snapshot_select
from outreach.models import Mailing, MailingStatus
from outreach.selectors import outbox_counts


def forum_label(number: int | None, title: str) -> str:
    """A short label for a chart axis: "#7", or the title cut to fit."""
    return f"#{number}" if number else Truncator(title).chars(18)


def sector_mix_chart(forums: list[Forum]) -> dict:
    """Chart.js data for stacked bars: one dataset per sector, one bar per forum."""
    mix = attended_by_sector([f.pk for f in forums])
    for counts in mix.values():  # people of no known sector are drawn as "other"
        counts[Sector.OTHER] = counts.get(Sector.OTHER, 0) + counts.pop("", 0)
    return {
        "labels": [forum_label(f.number, f.title) for f in forums],
        "datasets": [
            {
                "label": str(label),
                "sector": value,
                "data": [mix.get(f.pk, {}).get(value, 0) for f in forums],
            }
            for value, label in Sector.choices
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


def mailings_in_progress() -> list[Mailing]:
    active = [MailingStatus.SCHEDULED, MailingStatus.SENDING]
    mailings = list(Mailing.objects.filter(status__in=active).order_by("-created")[:10])
    progress = outbox_counts(m.pk for m in mailings)
    for mailing in mailings:
        mailing.counts = progress[mailing.pk]
        mailing.total = sum(mailing.counts.values())
        settled = mailing.total - mailing.counts.get("queued", 0) - mailing.counts.get("sending", 0)
        mailing.percent = round(100 * settled / mailing.total) if mailing.total else 0
    return mailings
