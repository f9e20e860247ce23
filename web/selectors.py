"""Reads that only the pages need (the rest come from crm, network, engagement, outreach)."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import Truncator

from crm.models import (
    Contact,
    Forum,
    Organisation,
    Participation,
    ParticipationStatus,
    Sector,
    WorkingGroup,
)
from engagement.selectors import engagement_snapshot_select, lapsed_queryset, represented_sector
from network.models import ForumGrowth
from network.selectors import broker_queryset, snapshot_select
from outreach.models import Mailing, MailingStatus, OutboxMessage


def forum_label(number: int | None, title: str) -> str:
    """A short label for a chart axis: "#7", or the title cut to fit."""
    return f"#{number}" if number else Truncator(title).chars(18)


def headline_counts() -> dict[str, int]:
    return {
        "contacts": Contact.objects.count(),
        "organisations": Organisation.objects.count(),
        "forums": Forum.objects.count(),
        "working_groups": WorkingGroup.objects.count(),
    }


def sector_mix(forum_ids: list[int]) -> dict[int, dict[str, int]]:
    """Attendees of each forum by the sector they represented there (one grouped query)."""
    rows = (
        Participation.objects.filter(forum_id__in=forum_ids, status=ParticipationStatus.ATTENDED)
        .annotate(represented=represented_sector())
        .values("forum_id", "represented")
        .annotate(people=Count("id"))
        .order_by()
    )
    mix: dict[int, dict[str, int]] = {pk: {} for pk in forum_ids}
    for row in rows:
        mix[row["forum_id"]][row["represented"] or Sector.OTHER] = row["people"]
    return mix


def sector_mix_chart(forums: list[Forum]) -> dict:
    """Chart.js data for stacked bars: one dataset per sector, one bar per forum."""
    mix = sector_mix([f.pk for f in forums])
    return {
        "labels": [forum_label(f.number, f.title) for f in forums],
        "datasets": [
            {
                "label": str(label),
                "sector": value,
                "data": [mix[f.pk].get(value, 0) for f in forums],
            }
            for value, label in Sector.choices
        ],
    }


def network_growth(limit: int = 20) -> list[ForumGrowth]:
    snapshot = snapshot_select()
    if snapshot is None:
        return []
    rows = ForumGrowth.objects.filter(snapshot=snapshot).select_related("forum").order_by("-rank")
    return list(reversed(rows[:limit]))


def top_brokers(limit: int = 8):
    snapshot = snapshot_select()
    return [] if snapshot is None else list(broker_queryset(snapshot)[:limit])


def lapsed_regulars(*, missed: int, min_forums: int, limit: int | None = 10):
    snapshot = engagement_snapshot_select()
    if snapshot is None:
        return None, []
    rows = lapsed_queryset(snapshot, missed=missed, min_forums=min_forums)
    return snapshot, list(rows[:limit] if limit else rows)


def mailing_progress(mailings: list[Mailing]) -> dict[int, dict[str, int]]:
    """Outbox rows by status for several mailings in one grouped query."""
    counts: dict[int, dict[str, int]] = {m.pk: {} for m in mailings}
    rows = (
        OutboxMessage.objects.filter(mailing__in=mailings)
        .values("mailing_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["mailing_id"]][row["status"]] = row["n"]
    return counts


def mailings_in_progress() -> list[Mailing]:
    active = [MailingStatus.SCHEDULED, MailingStatus.SENDING]
    mailings = list(Mailing.objects.filter(status__in=active).order_by("-created")[:10])
    progress = mailing_progress(mailings)
    for mailing in mailings:
        mailing.counts = progress[mailing.pk]
        mailing.total = sum(mailing.counts.values())
        settled = mailing.total - mailing.counts.get("queued", 0) - mailing.counts.get("sending", 0)
        mailing.percent = round(100 * settled / mailing.total) if mailing.total else 0
    return mailings


def upcoming_forums(limit: int = 5) -> list[Forum]:
    today = timezone.localdate()
    return list(
        Forum.objects.filter(date__gte=today)
        .select_related("programme")
        .annotate(registered=Count("participations", filter=~Q(participations__status="cancelled")))
        .order_by("date")[:limit]
    )


def recent_forums(limit: int = 12) -> list[Forum]:
    return list(reversed(Forum.objects.order_by("-date", "-pk")[:limit]))


def default_as_of() -> datetime.date:
    return timezone.localdate()
