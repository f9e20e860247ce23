"""Counts attached to one page of rows after pagination.

Annotating counts on the whole queryset makes the database aggregate every forum's
participations before it can sort and cut the page; counting for the ids on the page is one
small grouped query whatever the table size.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count

from crm.models import (
    Affiliation,
    Contact,
    Forum,
    Organisation,
    Participation,
    WorkingGroup,
    WorkingGroupMembership,
)


def forum_participation_counts(forum_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Participation.objects.filter(forum_id__in=list(forum_ids))
        .values_list("forum_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for forum_id, status, n in rows:
        counts[forum_id][status] = n
    return counts


def organisation_people_counts(organisation_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        Affiliation.objects.filter(
            organisation_id__in=list(organisation_ids), end_date__isnull=True
        )
        .values_list("organisation_id")
        .annotate(n=Count("contact_id", distinct=True))
        .order_by()
    )
    return dict(rows)


def working_group_member_counts(group_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        WorkingGroupMembership.objects.filter(
            working_group_id__in=list(group_ids), left_on__isnull=True
        )
        .values_list("working_group_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def programme_forum_counts(programme_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        Forum.objects.filter(programme_id__in=list(programme_ids))
        .values_list("programme_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def headline_counts() -> dict[str, int]:
    """How many people, organisations, forums and working groups the CRM holds."""
    return {
        "contacts": Contact.objects.count(),
        "organisations": Organisation.objects.count(),
        "forums": Forum.objects.count(),
        "working_groups": WorkingGroup.objects.count(),
    }
