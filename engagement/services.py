"""Writes: computing and storing engagement snapshots, and lapsed lists for outreach."""

import datetime
import math
import time

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.bulk import analyse, bulk_insert
from core.jobs import job_claim, job_stopped, jobs_to_dispatch
from core.queue import ENGAGEMENT_SNAPSHOT_BUILD, enqueue
from crm.models import ContactList, ContactListKind
from crm.services.lists import contact_list_create

from .attendance import (
    Inputs,
    contact_history,
    contact_latest_organisation,
    organisation_history,
)
from .models import (
    ContactEngagement,
    EngagementSnapshot,
    OrganisationEngagement,
    SectorEngagement,
)
from .scoring import LEVELS, ROLES, Engagement, EngagementParameters, engagement
from .sectors import sector_engagement_rows
from .selectors import engagement_inputs_read, lapsed_queryset


def engagement_snapshot_request(
    *, as_of: datetime.date | None = None, trigger: str = "manual"
) -> EngagementSnapshot:
    """Queue a recompute; the worker (or, without a broker, this process) runs it once the
    transaction commits."""
    snapshot = EngagementSnapshot.objects.create(
        as_of=as_of, trigger=trigger, parameters=EngagementParameters().as_dict()
    )
    enqueue(ENGAGEMENT_SNAPSHOT_BUILD, snapshot.pk)
    return snapshot


def engagement_recompute_schedule() -> None:
    """After attendance changes: one automatic recompute, a minute later, absorbing the
    changes that follow (the same debounce as the network's). Without a broker nothing is
    scheduled: the request would do the work; recompute by command or API instead."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return
    try:
        with transaction.atomic():
            snapshot = EngagementSnapshot.objects.create(
                trigger="automatic", parameters=EngagementParameters().as_dict()
            )
    except IntegrityError:
        return
    enqueue(ENGAGEMENT_SNAPSHOT_BUILD, snapshot.pk, countdown=settings.ENGAGEMENT_RECOMPUTE_DELAY)


def engagement_snapshot_build(*, snapshot_id: int) -> EngagementSnapshot | None:
    """Compute a queued snapshot: every contact's, organisation's and sector's engagement
    as of its date (today if none). A second call for the same snapshot does nothing; a
    snapshot whose worker died (no heartbeat for ENGAGEMENT_LEASE_SECONDS) or lost the
    database is taken over."""
    if not job_claim(
        EngagementSnapshot, snapshot_id, lease_seconds=settings.ENGAGEMENT_LEASE_SECONDS
    ):
        return None
    snapshot = EngagementSnapshot.objects.get(pk=snapshot_id)
    try:
        _compute_into(snapshot)
    except Exception as error:
        # A lost database connection hands the snapshot back (JobInterrupted: the task
        # retries); anything else fails it.
        job_stopped(EngagementSnapshot, snapshot_id, error, failed={"status": "failed"})
    return snapshot


def engagement_snapshots_to_dispatch() -> list[int]:
    """Snapshots no worker is on (see ``core.jobs.jobs_to_dispatch``)."""
    return jobs_to_dispatch(
        EngagementSnapshot,
        lease_seconds=settings.ENGAGEMENT_LEASE_SECONDS,
        queued_for=settings.ENGAGEMENT_RECOMPUTE_DELAY + 60,
    )


def engagement_snapshot_compute(
    *, as_of: datetime.date | None = None, trigger: str = "command"
) -> EngagementSnapshot:
    """Compute a snapshot now, in this process (commands, history back-fill)."""
    snapshot = EngagementSnapshot.objects.create(
        as_of=as_of, trigger=trigger, parameters=EngagementParameters().as_dict()
    )
    return engagement_snapshot_build(snapshot_id=snapshot.pk)


def _compute_into(snapshot: EngagementSnapshot) -> None:
    as_of = snapshot.as_of or timezone.localdate()
    parameters = EngagementParameters(**{
        k: tuple(v) if k == "role_weights" else v for k, v in snapshot.parameters.items()
    })  # fmt: skip
    timings = {}
    started = time.perf_counter()
    inputs = engagement_inputs_read(as_of=as_of)
    timings["reading"] = time.perf_counter() - started
    step = time.perf_counter()
    contacts = engagement(contact_history(inputs, as_of), parameters)
    latest_organisation = contact_latest_organisation(inputs)
    organisation_ids, organisation_actors, people, people_recent = organisation_history(
        inputs, as_of, parameters
    )
    organisations = engagement(organisation_actors, parameters)
    sectors = sector_engagement_rows(inputs, contacts, parameters)
    timings["computing"] = time.perf_counter() - step
    step = time.perf_counter()
    with transaction.atomic():
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
                None if latest_organisation[i] < 0 else int(latest_organisation[i]),
                int(contacts.memberships[i]), int(contacts.memberships_current[i]),
                int(contacts.membership_days[i]),
            ],
        )  # fmt: skip
        _store_actors(
            OrganisationEngagement,
            snapshot,
            "organisation_id",
            organisation_ids,
            organisations,
            inputs,
            sectors_of=_organisation_sectors(organisation_ids),
            extra_columns=["people", "people_recent"],
            extra=lambda i: [int(people[i]), int(people_recent[i])],
        )
        SectorEngagement.objects.bulk_create(
            SectorEngagement(snapshot=snapshot, **row) for row in sectors
        )
        timings["storing"] = time.perf_counter() - step
        snapshot.as_of = as_of
        snapshot.status = "done"
        snapshot.sizes = {
            "contacts": len(inputs.contact_ids),
            "participations": len(inputs.contact_row),
            "forums": len(inputs.forum_ids),
            "organisations": len(organisation_ids),
        }
        snapshot.timings = {k: round(v, 3) for k, v in timings.items()}
        snapshot.save(update_fields=["as_of", "status", "sizes", "timings"])
    # Fresh statistics: without them the planner guesses a snapshot holds a few dozen rows
    # and joins every one of 200,000 before sorting (2 s instead of a few ms).
    analyse(ContactEngagement._meta.db_table, OrganisationEngagement._meta.db_table)


def _float(value):
    value = float(value)
    return None if math.isnan(value) else value


def _store_actors(model, snapshot, id_column, ids, result: Engagement, inputs: Inputs,
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
                _float(result.attendance_rate[i]),
                *(int(c) for c in result.role_counts[i]),
                int(result.held_since_first[i]),
                int(result.missed_since_last[i]),
                float(result.score[i]),
                LEVELS[result.level[i]] if result.level[i] >= 0 else "",
                sectors_of[i] or "",
                *extra(i),
            ]

    bulk_insert(
        model._meta.db_table,
        ["snapshot_id", id_column, "first_forum_id", "last_forum_id", "last_date",
         "forums_attended", "forums_counted", "attendance_rate", *ROLES, "held_since_first",
         "missed_since_last", "score", "level", "sector", *extra_columns],
        rows(),
    )  # fmt: skip


def _organisation_sectors(organisation_ids: np.ndarray) -> list[str]:
    from crm.models import Organisation

    sectors = dict(
        Organisation.objects.filter(pk__in=organisation_ids.tolist()).values_list("pk", "sector")
    )
    return [sectors.get(int(i), "") for i in organisation_ids]


@transaction.atomic
def lapsed_list_save(
    *, snapshot: EngagementSnapshot, missed: int, name: str = "", created_by=None
) -> ContactList:
    """Save today's lapsed regulars as a fixed list that a mailing can use as its audience."""
    min_forums = settings.ENGAGEMENT_REGULAR_MIN_FORUMS
    people = lapsed_queryset(snapshot, missed=missed, min_forums=min_forums).values_list(
        "contact_id", flat=True
    )
    return contact_list_create(
        name=name or f"Lapsed regulars (missed {missed}), as of {snapshot.as_of}",
        kind=ContactListKind.LAPSED,
        contacts=list(people),
        parameters={"snapshot": snapshot.pk, "missed": missed, "min_forums": min_forums},
        created_by=created_by,
    )
