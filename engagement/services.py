"""Writes: computing and storing engagement snapshots (the job itself is the shared
snapshot pattern of core.snapshots), and lapsed lists for outreach."""

import datetime
import time
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk import analyse, bulk_insert, float_or_null
from core.queue import ENGAGEMENT_SNAPSHOT_BUILD
from core.snapshots import SnapshotJob
from crm.models import ContactList, ContactListKind
from crm.models.choices import UNKNOWN_SECTOR
from crm.services.lists import contact_list_create

from .attendance import (
    Inputs,
    contact_latest_organisation,
    contact_scoring_input,
    organisation_scoring_input,
)
from .models import (
    ContactEngagement,
    EngagementSnapshot,
    OrganisationEngagement,
    SectorEngagement,
)
from .scoring import (
    LEVELS,
    PARTICIPATION_ROLES,
    EngagementFigures,
    EngagementParameters,
    engagement_figures,
)
from .sectors import sector_engagement_rows
from .selectors import engagement_inputs_read, engagement_parameters, lapsed_queryset, lapsed_rule


@dataclass
class _Computed:
    as_of: datetime.date
    inputs: Inputs
    contacts: EngagementFigures
    latest_organisation: np.ndarray
    organisation_ids: np.ndarray
    organisations: EngagementFigures
    people: np.ndarray
    people_recent: np.ndarray
    sectors: list[dict]
    timings: dict


class EngagementSnapshotJob(SnapshotJob):
    model = EngagementSnapshot
    task = ENGAGEMENT_SNAPSHOT_BUILD
    lease_setting = "ENGAGEMENT_LEASE_SECONDS"
    delay_setting = "ENGAGEMENT_RECOMPUTE_DELAY"
    stages = ("reading attendance", "scoring", "storing")

    def parameters(self) -> dict:
        return engagement_parameters().as_dict()

    def compute(self, snapshot: EngagementSnapshot, report) -> _Computed:
        """Every contact's, organisation's and sector's engagement as of the snapshot's date
        (today if none)."""
        as_of = snapshot.as_of or timezone.localdate()
        parameters = EngagementParameters.from_stored(snapshot.parameters)
        report("reading attendance")
        started = time.perf_counter()
        inputs = engagement_inputs_read(as_of=as_of)
        timings = {"reading": time.perf_counter() - started}
        report("scoring")
        step = time.perf_counter()
        contacts = engagement_figures(contact_scoring_input(inputs, as_of), parameters)
        organisation_ids, organisation_actors, people, people_recent = organisation_scoring_input(
            inputs, as_of, parameters
        )
        computed = _Computed(
            as_of=as_of,
            inputs=inputs,
            contacts=contacts,
            latest_organisation=contact_latest_organisation(inputs),
            organisation_ids=organisation_ids,
            organisations=engagement_figures(organisation_actors, parameters),
            people=people,
            people_recent=people_recent,
            sectors=sector_engagement_rows(inputs, contacts, parameters),
            timings=timings,
        )
        timings["computing"] = time.perf_counter() - step
        return computed

    def store(self, snapshot: EngagementSnapshot, result: _Computed) -> None:
        step = time.perf_counter()
        inputs, contacts, latest = result.inputs, result.contacts, result.latest_organisation
        _store_actors(
            ContactEngagement,
            snapshot,
            "contact_id",
            inputs.contact_ids,
            contacts,
            inputs,
            sectors_of=inputs.contact_sector,
            extra_columns=["organisation_id", "memberships", "memberships_current",
                           "membership_days"],
            extra=lambda i: [
                None if latest[i] < 0 else int(latest[i]),
                int(contacts.memberships[i]), int(contacts.memberships_current[i]),
                int(contacts.membership_days[i]),
            ],
        )  # fmt: skip
        _store_actors(
            OrganisationEngagement,
            snapshot,
            "organisation_id",
            result.organisation_ids,
            result.organisations,
            inputs,
            sectors_of=_organisation_sectors(result.organisation_ids),
            extra_columns=["people", "people_recent"],
            extra=lambda i: [int(result.people[i]), int(result.people_recent[i])],
        )
        SectorEngagement.objects.bulk_create(
            SectorEngagement(snapshot=snapshot, **row) for row in result.sectors
        )
        result.timings["storing"] = time.perf_counter() - step
        snapshot.as_of = result.as_of
        snapshot.sizes = {
            "contacts": len(inputs.contact_ids),
            "participations": len(inputs.contact_row),
            "forums": len(inputs.forum_ids),
            "organisations": len(result.organisation_ids),
        }
        snapshot.timings = {k: round(v, 3) for k, v in result.timings.items()}

    def after_store(self, snapshot: EngagementSnapshot) -> None:
        # Fresh statistics: without them the planner guesses a snapshot holds a few dozen
        # rows and joins every one of 200,000 before sorting (2 s instead of a few ms).
        analyse(ContactEngagement._meta.db_table, OrganisationEngagement._meta.db_table)


ENGAGEMENT_SNAPSHOTS = EngagementSnapshotJob()


def engagement_recompute_schedule() -> None:
    """After attendance changes: one automatic recompute, ENGAGEMENT_RECOMPUTE_DELAY
    seconds later, absorbing the changes that follow (core.snapshots)."""
    ENGAGEMENT_SNAPSHOTS.schedule()


def engagement_snapshot_build(*, snapshot_id: int) -> EngagementSnapshot | None:
    """Compute a queued snapshot. A second call for the same snapshot does nothing; a
    snapshot whose worker died (no heartbeat for ENGAGEMENT_LEASE_SECONDS) or lost the
    database is taken over."""
    return ENGAGEMENT_SNAPSHOTS.build(snapshot_id)


def engagement_snapshot_compute(*, as_of: datetime.date | None = None) -> EngagementSnapshot:
    """Compute a snapshot now, in this process (commands, history back-fill)."""
    return ENGAGEMENT_SNAPSHOTS.compute_now(as_of=as_of)


def _store_actors(model, snapshot, id_column, ids, result: EngagementFigures, inputs: Inputs,
                  *, sectors_of, extra_columns, extra):  # fmt: skip
    forum_ids = inputs.forum_ids
    forum_days = inputs.forum_day

    def forum(row):
        return None if row < 0 else int(forum_ids[row])

    def rows():
        for i, actor_id in enumerate(ids.tolist()):
            last = result.last_forum[i]
            yield [
                snapshot.pk,
                int(actor_id),
                forum(result.first_forum[i]),
                forum(last),
                None if last < 0 else datetime.date.fromordinal(int(forum_days[last])),
                int(result.forums_attended[i]),
                int(result.forums_counted[i]),
                float_or_null(result.attendance_rate[i]),
                *(int(c) for c in result.role_counts[i]),
                int(result.held_since_first[i]),
                int(result.missed_since_last[i]),
                float(result.score[i]),
                LEVELS[result.level[i]] if result.level[i] >= 0 else "",
                sectors_of[i] or UNKNOWN_SECTOR,
                *extra(i),
            ]

    bulk_insert(
        model._meta.db_table,
        ["snapshot_id", id_column, "first_forum_id", "last_forum_id", "last_date",
         "forums_attended", "forums_counted", "attendance_rate", *PARTICIPATION_ROLES,
         "held_since_first", "missed_since_last", "score", "level", "sector", *extra_columns],
        rows(),
    )  # fmt: skip


def _organisation_sectors(organisation_ids: np.ndarray) -> list[str]:
    from crm.models import Organisation

    sectors = dict(
        Organisation.objects.filter(pk__in=organisation_ids.tolist()).values_list("pk", "sector")
    )
    return [sectors.get(int(i), UNKNOWN_SECTOR) for i in organisation_ids]


@transaction.atomic
def lapsed_list_reuse_or_save(
    *, snapshot: EngagementSnapshot, missed: int | None = None, created_by=None
) -> ContactList:
    """The saved lapsed list of this snapshot and rule, else a new one: a snapshot never
    changes, so the same definition selects the same people, and "Email them" twice need
    not pile up identical lists."""
    definition = {"snapshot": snapshot.pk, **lapsed_rule(snapshot, missed=missed)}
    saved = ContactList.objects.filter(
        kind=ContactListKind.LAPSED, parameters__snapshot=snapshot.pk
    ).order_by("-created", "-id")
    for contact_list in saved:
        if contact_list.parameters == definition:
            return contact_list
    return lapsed_list_save(snapshot=snapshot, missed=missed, created_by=created_by)


@transaction.atomic
def lapsed_list_save(
    *, snapshot: EngagementSnapshot, missed: int | None = None, name: str = "", created_by=None
) -> ContactList:
    """Save today's lapsed regulars as a fixed list that a mailing can use as its audience
    (``missed``: by default the snapshot's own rule, see lapsed_rule)."""
    rule = lapsed_rule(snapshot, missed=missed)
    people = lapsed_queryset(snapshot, missed=rule["missed"]).values_list("contact_id", flat=True)
    return contact_list_create(
        # In the language of whoever saves it: the list's name is what they will see.
        name=name
        or _("Lapsed regulars (missed %(missed)s), as of %(date)s")
        % {"missed": rule["missed"], "date": snapshot.as_of},
        kind=ContactListKind.LAPSED,
        contacts=list(people),
        parameters={"snapshot": snapshot.pk, **rule},
        created_by=created_by,
    )
