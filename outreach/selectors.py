"""Reads of the outreach records shared by the API and the pages."""

from collections.abc import Iterable

from django.db.models import Count

from .models import OutboxMessage, OutboxStatus


def outbox_counts(mailing_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Outbox rows by status for each mailing (every status present, zero if none), in one
    grouped query."""
    ids = list(mailing_ids)
    counts = {pk: dict.fromkeys(OutboxStatus.values, 0) for pk in ids}
    rows = (
        OutboxMessage.objects.filter(mailing_id__in=ids)
        .values_list("mailing_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for mailing_id, status, n in rows:
        counts[mailing_id][status] = n
    return counts
