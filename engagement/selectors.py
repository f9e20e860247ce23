"""Reads: the attendance history as arrays (``values_list``, no model objects), the stored
snapshots, and the figures computed live from one query per request (cohorts, balance)."""

import datetime
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import Count, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from core import snapshots
from core.jobs import SnapshotStatus
from crm.models import (
    Contact,
    Forum,
    Participation,
    ParticipationStatus,
    Programme,
    WorkingGroup,
    WorkingGroupMembership,
)
from crm.models.choices import UNKNOWN_SECTOR

from .attendance import Inputs, engagement_inputs, rows_of
from .balance import balance, forum_balance_rows
from .models import ContactEngagement, EngagementSnapshot, OrganisationEngagement
from .scoring import (
    EngagementParameters,
    attendance_cohorts,
    lapsed_lookups,
    returning_attendees,
)


def engagement_inputs_read(*, as_of: datetime.date) -> Inputs:
    """The attendance history up to ``as_of`` as arrays (``values_list``, no model objects)."""
    forums = Forum.objects.filter(date__lte=as_of)
    return engagement_inputs(
        contacts=list(Contact.objects.order_by("pk").values_list("pk", "sector")),
        forums=list(forums.order_by("date", "pk").values_list("pk", "programme_id", "date")),
        participations=list(
            Participation.objects.filter(forum__date__lte=as_of)
            .order_by()
            .values_list("contact_id", "forum_id", "status", "role", "organisation_id")
        ),
        memberships=list(
            WorkingGroupMembership.objects.filter(joined_on__lte=as_of)
            .order_by()
            .values_list("contact_id", "joined_on", "left_on", "role")
        ),
    )


def engagement_snapshot_select(
    *, snapshot_id: int | None = None, as_of: datetime.date | None = None
) -> EngagementSnapshot | None:
    """The snapshot a read is about: the one asked for, else the one whose date is latest,
    on or before ``as_of`` (core.snapshots)."""
    return snapshots.snapshot_select(EngagementSnapshot, snapshot_id=snapshot_id, as_of=as_of)


def engagement_parameters() -> EngagementParameters:
    """The scoring's parameters for a new snapshot: the defaults, and the lapsed rule from
    settings (ENGAGEMENT_LAPSED_*), read here only. Each snapshot stores what it used."""
    return EngagementParameters(
        lapse_after=settings.ENGAGEMENT_LAPSED_MISSED,
        lapse_min_forums=settings.ENGAGEMENT_LAPSED_MIN_FORUMS,
    )


def lapsed_rule(snapshot: EngagementSnapshot | None, *, missed: int | None = None) -> dict:
    """Who counts as lapsed in this snapshot: the rule its levels were computed with (its
    stored parameters; without a snapshot, the one the next will use), with ``missed``
    instead of its own when asked for. So the list at its default is exactly the contacts
    at level "lapsed", whether the API, the pages or a mailing's audience asks."""
    if snapshot is None:
        parameters = engagement_parameters()
    else:
        parameters = EngagementParameters.from_stored(snapshot.parameters)
    return {
        "missed": parameters.lapse_after if missed is None else missed,
        "min_forums": parameters.lapse_min_forums,
    }


def lapsed_queryset(
    snapshot: EngagementSnapshot, *, missed: int | None = None, min_forums: int | None = None
) -> QuerySet[ContactEngagement]:
    """Regulars (``min_forums`` or more) who missed at least the last ``missed`` forums; by
    default the snapshot's own rule (``lapsed_rule``)."""
    rule = lapsed_rule(snapshot, missed=missed)
    if min_forums is not None:
        rule["min_forums"] = min_forums
    return (
        ContactEngagement.objects.filter(snapshot=snapshot, **lapsed_lookups(**rule))
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
    attended = Participation.objects.filter(forum__in=forums, status=ParticipationStatus.ATTENDED)
    if sector is not None:
        attended = attended.filter(contact__sector=sector)
    person, rank = _attendance_ranks(attended, [pk for pk, _, _ in forum_rows])
    sizes, returned = attendance_cohorts(person, rank, len(forum_rows))
    return CohortTable(forum_rows, sizes, returned)


def _attendance_ranks(participations, forum_ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Who attended (contact ids) and where (rank of the forum in ``forum_ids``)."""
    rows = np.array(
        list(participations.order_by().values_list("contact_id", "forum_id")), dtype=np.int64
    ).reshape(-1, 2)
    return rows[:, 0], rows_of(np.array(forum_ids, dtype=np.int64), rows[:, 1])


def represented_sector():
    """The sector someone stood for at a forum: their organisation's, else their own."""
    return Coalesce(NullIf("organisation__sector", Value("")), NullIf("contact__sector", Value("")))


def _attended_counts(forums, *by: str):
    """Attendees of the forums (a queryset or ids) counted by ``by`` (``represented``: the
    sector they stood for there), as ``(*by, n)`` rows of one grouped query."""
    return (
        Participation.objects.filter(forum__in=forums, status=ParticipationStatus.ATTENDED)
        .annotate(represented=represented_sector())
        .values_list(*by)
        .annotate(n=Count("pk"))
        .order_by()
    )


def attended_by_sector(forums) -> dict[int, dict[str, int]]:
    """Attendees of each forum (a queryset or ids) by the sector they represented there
    ("" when neither they nor their organisation has one), in one grouped query."""
    by_forum: dict[int, dict[str, int]] = {}
    for forum_id, sector, n in _attended_counts(forums, "forum_id", "represented"):
        by_forum.setdefault(forum_id, {})[sector or UNKNOWN_SECTOR] = n
    return by_forum


def forum_balance(*, programme: Programme, as_of: datetime.date | None = None) -> list[dict]:
    """Per forum: attendees by the sector they represented, returning attendees, and the
    gaps to the programme's target mix. Two grouped queries for the whole programme."""
    forums = Forum.objects.filter(programme=programme)
    if as_of is not None:
        forums = forums.filter(date__lte=as_of)
    forum_rows = list(forums.order_by("date", "pk").values_list("pk", "number", "title", "date"))
    by_forum = attended_by_sector(forums)
    attended = Participation.objects.filter(forum__in=forums, status=ParticipationStatus.ATTENDED)
    person, rank = _attendance_ranks(attended, [row[0] for row in forum_rows])
    returning = returning_attendees(person, rank, len(forum_rows))
    return forum_balance_rows(forum_rows, by_forum, returning, programme.sector_targets or {})


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
        by_group.setdefault(group_id, {})[sector or UNKNOWN_SECTOR] = n
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


# --- what the pages show beside the CRM's records ------------------------------------------


def contacts_with_engagement(contacts: QuerySet[Contact], *, level: str = "") -> QuerySet[Contact]:
    """Contacts with ``engagement_score`` and ``engagement_level`` from the latest snapshot
    (one subquery each, None before the first snapshot); ``level`` keeps that level only."""
    snapshot = engagement_snapshot_select()
    if snapshot is None:
        rows = ContactEngagement.objects.none()
    else:
        rows = ContactEngagement.objects.filter(snapshot=snapshot, contact=OuterRef("pk"))
    contacts = contacts.annotate(
        engagement_score=Subquery(rows.values("score")[:1]),
        engagement_level=Subquery(rows.values("level")[:1]),
    )
    if snapshot is not None and level:
        contacts = contacts.filter(engagement_level=level)
    return contacts


def contact_engagement_history(contact_id: int) -> list[ContactEngagement]:
    """A contact's row in every finished snapshot, oldest first."""
    return list(
        ContactEngagement.objects.filter(
            contact_id=contact_id, snapshot__status=SnapshotStatus.DONE
        )
        .select_related("snapshot")
        .order_by("snapshot__as_of", "snapshot_id")
    )


def organisation_engagement(organisation_id: int) -> OrganisationEngagement | None:
    """The organisation's row in the latest snapshot, if any."""
    snapshot = engagement_snapshot_select()
    return snapshot and snapshot.organisations.filter(organisation_id=organisation_id).first()


def attended_by_sector_and_role(forum_id: int) -> dict[str, dict[str, int]]:
    """Attendees of a forum by the sector they represented (UNKNOWN_SECTOR when none is
    known) and their role, in one grouped query."""
    table: dict[str, dict[str, int]] = {}
    for sector, role, n in _attended_counts([forum_id], "represented", "role"):
        table.setdefault(sector or UNKNOWN_SECTOR, {})[role] = n
    return table
