"""Reads: the attendance history as arrays (``values_list``, no model objects), the stored
snapshots, and the figures computed live from one query per request (cohorts, balance)."""

import datetime
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from crm.models import (
    Contact,
    Forum,
    Participation,
    ParticipationStatus,
    Programme,
    WorkingGroup,
    WorkingGroupMembership,
)

from .models import ContactEngagement, EngagementSnapshot
from .scoring import ROLES, STATUSES, History, cohorts


@dataclass
class Inputs:
    """Everything the scoring needs, with the ids that map rows back to the database."""

    contact_ids: np.ndarray
    contact_sector: np.ndarray  # str per contact row
    forum_ids: np.ndarray
    forum_programme: np.ndarray  # programme row per forum (0: none)
    forum_day: np.ndarray
    # participations (rows)
    contact_row: np.ndarray
    forum_row: np.ndarray
    status: np.ndarray
    role: np.ndarray
    organisation_id: np.ndarray  # -1: none
    # memberships
    membership_contact_row: np.ndarray
    membership_joined: np.ndarray
    membership_left: np.ndarray
    membership_chair: np.ndarray


def engagement_inputs_read(*, as_of: datetime.date) -> Inputs:
    contacts = list(Contact.objects.order_by("pk").values_list("pk", "sector"))
    contact_ids = np.array([c for c, _ in contacts], dtype=np.int64)
    forums = list(
        Forum.objects.filter(date__lte=as_of)
        .order_by("date", "pk")
        .values_list("pk", "programme_id", "date")
    )
    forum_ids = np.array([f for f, _, _ in forums], dtype=np.int64)
    programme_ids = sorted({p for _, p, _ in forums if p is not None})
    programme_row = {p: i + 1 for i, p in enumerate(programme_ids)}
    status_code = {s: i for i, s in enumerate(STATUSES)}
    role_code = {r: i for i, r in enumerate(ROLES)}
    rows = list(
        Participation.objects.filter(forum__date__lte=as_of)
        .order_by()
        .values_list("contact_id", "forum_id", "status", "role", "organisation_id")
    )
    memberships = list(
        WorkingGroupMembership.objects.filter(joined_on__lte=as_of)
        .order_by()
        .values_list("contact_id", "joined_on", "left_on", "role")
    )
    n = len(rows)
    return Inputs(
        contact_ids=contact_ids,
        contact_sector=np.array([s for _, s in contacts], dtype=object),
        forum_ids=forum_ids,
        forum_programme=np.array([programme_row.get(p, 0) for _, p, _ in forums], np.int64),
        forum_day=np.array([d.toordinal() for _, _, d in forums], dtype=np.int64),
        contact_row=np.searchsorted(contact_ids, np.fromiter((r[0] for r in rows), np.int64, n)),
        forum_row=_rows_of(forum_ids, np.fromiter((r[1] for r in rows), np.int64, n)),
        status=np.fromiter((status_code[r[2]] for r in rows), np.int8, n),
        role=np.fromiter((role_code[r[3]] for r in rows), np.int8, n),
        organisation_id=np.fromiter((r[4] if r[4] is not None else -1 for r in rows), np.int64, n),
        membership_contact_row=np.searchsorted(
            contact_ids, np.array([m[0] for m in memberships], dtype=np.int64)
        ),
        membership_joined=np.array([m[1].toordinal() for m in memberships], dtype=np.int64),
        membership_left=np.array(
            [m[2].toordinal() if m[2] else -1 for m in memberships], dtype=np.int64
        ),
        membership_chair=np.array([m[3] == "chair" for m in memberships], dtype=bool),
    )


def _rows_of(ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Each value's row in ``ids``, which need not be sorted: forums are in date order, and
    a forum entered later may well have happened earlier."""
    order = np.argsort(ids, kind="stable")
    return order[np.searchsorted(ids, values, sorter=order)]


def contact_history(inputs: Inputs, as_of: datetime.date) -> History:
    return History(
        actor=inputs.contact_row,
        forum=inputs.forum_row,
        status=inputs.status,
        role=inputs.role,
        n_actors=len(inputs.contact_ids),
        forum_programme=inputs.forum_programme,
        forum_day=inputs.forum_day,
        as_of=as_of.toordinal(),
        membership_actor=inputs.membership_contact_row,
        membership_joined=inputs.membership_joined,
        membership_left=inputs.membership_left,
        membership_chair=inputs.membership_chair,
    )


def engagement_snapshot_select(
    *, snapshot_id: int | None = None, as_of: datetime.date | None = None
) -> EngagementSnapshot | None:
    snapshots = EngagementSnapshot.objects.filter(status="done")
    if snapshot_id is not None:
        return snapshots.filter(pk=snapshot_id).first()
    if as_of is not None:
        return snapshots.filter(as_of__lte=as_of).order_by("-as_of", "-id").first()
    return snapshots.order_by("-as_of", "-id").first()


def lapsed_queryset(
    snapshot: EngagementSnapshot, *, missed: int, min_forums: int
) -> QuerySet[ContactEngagement]:
    """Regulars (``min_forums`` or more) who missed at least the last ``missed`` forums."""
    return (
        ContactEngagement.objects.filter(
            snapshot=snapshot, forums_attended__gte=min_forums, missed_since_last__gte=missed
        )
        .select_related("contact", "organisation", "last_forum")
        .order_by("-forums_attended", "-last_date", "contact_id")
    )


# --- computed per request: one query, one numpy pass --------------------------------------


@dataclass
class CohortTable:
    forums: list  # (id, title, date), chronological
    sizes: np.ndarray
    returned: np.ndarray  # cohorts × forums


def cohort_table(
    *, programme: Programme, as_of: datetime.date | None = None, sector: str | None = None
) -> CohortTable:
    """Cohorts by first forum attended in the programme × each later forum."""
    forums = Forum.objects.filter(programme=programme)
    if as_of is not None:
        forums = forums.filter(date__lte=as_of)
    forum_rows = list(forums.order_by("date", "pk").values_list("pk", "title", "date"))
    rank = {pk: i for i, (pk, _, _) in enumerate(forum_rows)}
    attended = Participation.objects.filter(
        forum__in=forums, status=ParticipationStatus.ATTENDED
    ).order_by()
    if sector is not None:
        attended = attended.filter(contact__sector=sector)
    rows = np.array(list(attended.values_list("contact_id", "forum_id")), dtype=np.int64)
    if len(rows) == 0:
        empty = np.zeros(len(forum_rows), dtype=np.int64)
        return CohortTable(forum_rows, empty, np.zeros((len(forum_rows),) * 2, dtype=np.int64))
    people, member = np.unique(rows[:, 0], return_inverse=True)
    ranks = np.fromiter((rank[f] for f in rows[:, 1].tolist()), np.int64, len(rows))
    first = np.full(len(people), len(forum_rows), dtype=np.int64)
    np.minimum.at(first, member, ranks)
    sizes, returned = cohorts(first, ranks, member, len(forum_rows))
    return CohortTable(forum_rows, sizes, returned)


def represented_sector():
    """The sector someone stood for at a forum: their organisation's, else their own."""
    return Coalesce(NullIf("organisation__sector", Value("")), NullIf("contact__sector", Value("")))


def attended_by_sector(forums) -> dict[int, dict[str, int]]:
    """Attendees of each forum (a queryset or ids) by the sector they represented there
    ("" when neither they nor their organisation has one), in one grouped query."""
    counts = (
        Participation.objects.filter(forum__in=forums, status=ParticipationStatus.ATTENDED)
        .annotate(represented=represented_sector())
        .values_list("forum_id", "represented")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_forum: dict[int, dict[str, int]] = {}
    for forum_id, sector, n in counts:
        by_forum.setdefault(forum_id, {})[sector or ""] = n
    return by_forum


def forum_balance(*, programme: Programme, as_of: datetime.date | None = None) -> list[dict]:
    """Per forum: attendees by the sector they represented, returning attendees, and the
    gaps to the programme's target mix. Two grouped queries for the whole programme."""
    forums = Forum.objects.filter(programme=programme)
    if as_of is not None:
        forums = forums.filter(date__lte=as_of)
    forum_rows = list(forums.order_by("date", "pk").values_list("pk", "number", "title", "date"))
    by_forum = attended_by_sector(forums)
    returning = _returning_attendees(forums, [row[0] for row in forum_rows])
    targets = programme.sector_targets or {}
    result = []
    for forum_id, number, title, date in forum_rows:
        row = {
            "forum": forum_id,
            "number": number,
            "title": title,
            "date": date,
            **balance(by_forum.get(forum_id, {}), targets),
            "returning": returning.get(forum_id, 0),
        }
        row["returning_rate"] = row["returning"] / row["attendees"] if row["attendees"] else None
        result.append(row)
    return result


def _returning_attendees(forums, forum_ids: list[int]) -> dict[int, int]:
    """Attendees of each forum who had attended an earlier forum of the same programme."""
    rank = {forum_id: i for i, forum_id in enumerate(forum_ids)}
    rows = np.array(
        list(
            Participation.objects.filter(forum__in=forums, status=ParticipationStatus.ATTENDED)
            .order_by()
            .values_list("contact_id", "forum_id")
        ),
        dtype=np.int64,
    ).reshape(-1, 2)
    if len(rows) == 0:
        return {}
    people, member = np.unique(rows[:, 0], return_inverse=True)
    ranks = np.fromiter((rank[f] for f in rows[:, 1].tolist()), np.int64, len(rows))
    first = np.full(len(people), len(forum_ids), dtype=np.int64)
    np.minimum.at(first, member, ranks)
    counts = np.bincount(ranks[ranks > first[member]], minlength=len(forum_ids))
    return {forum_ids[i]: int(n) for i, n in enumerate(counts) if n}


def balance(sectors: dict[str, int], targets: dict[str, float]) -> dict:
    """Counts and shares by sector, and the shortfall against each target share."""
    total = sum(sectors.values())
    shares = {s: n / total for s, n in sectors.items()} if total else {}
    gaps = {
        sector: round(target - shares.get(sector, 0.0), 6)
        for sector, target in targets.items()
        if shares.get(sector, 0.0) < target
    }
    return {
        "attendees": total,
        "by_sector": dict(sorted(sectors.items())),
        "shares": {s: round(v, 6) for s, v in sorted(shares.items())},
        "targets": targets,
        "gaps": gaps,
        "meets_targets": not gaps,
    }


def working_group_balance(*, programme: Programme | None = None) -> list[dict]:
    """Current members of each working group by sector, against its programme's targets."""
    groups = WorkingGroup.objects.select_related("programme")
    if programme is not None:
        groups = groups.filter(programme=programme)
    groups = list(groups.order_by("title"))
    counts = (
        WorkingGroupMembership.objects.filter(working_group__in=groups, left_on__isnull=True)
        .values_list("working_group_id", "contact__sector")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_group: dict[int, dict[str, int]] = {}
    for group_id, sector, n in counts:
        by_group.setdefault(group_id, {})[sector or ""] = n
    return [
        {
            "working_group": group.pk,
            "title": group.title,
            **balance(by_group.get(group.pk, {}), _targets(group.programme)),
        }
        for group in groups
    ]


def _targets(programme: Programme | None) -> dict:
    return (programme.sector_targets or {}) if programme else {}
