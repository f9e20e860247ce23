"""Writes: computing and storing engagement snapshots, and lapsed lists for outreach."""

import datetime
import math
import time

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.jobs import job_claim, job_stopped, jobs_to_dispatch
from crm.bulk import analyse, bulk_insert
from crm.models import ContactList, ContactListKind
from crm.services.lists import contact_list_create

from .models import (
    ContactEngagement,
    EngagementSnapshot,
    OrganisationEngagement,
    SectorEngagement,
)
from .scoring import (
    ATTENDED,
    COUNTED,
    LEVELS,
    ROLES,
    Engagement,
    EngagementParameters,
    History,
    engagement,
    programme_ranks,
)
from .selectors import Inputs, contact_history, engagement_inputs_read, lapsed_queryset

SECTORS = ("government", "civil_society", "business", "academia", "media", "international",
           "other", "")  # fmt: skip


def engagement_snapshot_request(
    *, as_of: datetime.date | None = None, trigger: str = "manual"
) -> EngagementSnapshot:
    """Queue a recompute; the worker (or, without a broker, this process) runs it once the
    transaction commits."""
    from tasks.engagement import engagement_snapshot_build_task

    snapshot = EngagementSnapshot.objects.create(
        as_of=as_of, trigger=trigger, parameters=EngagementParameters().as_dict()
    )
    # robust: with the broker down the request still succeeds; the sweep sends it later.
    transaction.on_commit(lambda: engagement_snapshot_build_task.delay(snapshot.pk), robust=True)
    return snapshot


def engagement_recompute_schedule() -> None:
    """After attendance changes: one automatic recompute, a minute later, absorbing the
    changes that follow (the same debounce as the network's). Without a broker nothing is
    scheduled: the request would do the work; recompute by command or API instead."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return
    from tasks.engagement import engagement_snapshot_build_task

    try:
        with transaction.atomic():
            snapshot = EngagementSnapshot.objects.create(
                trigger="automatic", parameters=EngagementParameters().as_dict()
            )
    except IntegrityError:
        return
    transaction.on_commit(
        lambda: engagement_snapshot_build_task.apply_async(
            (snapshot.pk,), countdown=settings.ENGAGEMENT_RECOMPUTE_DELAY
        ),
        robust=True,
    )


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
    latest_organisation = _latest_organisation(inputs)
    organisation_ids, organisation_history, people, people_recent = _organisation_history(
        inputs, as_of, parameters
    )
    organisations = engagement(organisation_history, parameters)
    sectors = _sector_rows(inputs, contacts, parameters)
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


def _latest_organisation(inputs: Inputs) -> np.ndarray:
    """Per contact row: the organisation represented at their latest attended forum."""
    latest = np.full(len(inputs.contact_ids), -1, dtype=np.int64)
    mask = (inputs.status == ATTENDED) & (inputs.organisation_id >= 0)
    actor, forum = inputs.contact_row[mask], inputs.forum_row[mask]
    if len(actor):
        order = np.lexsort((forum, actor))  # forum rows are chronological
        is_last = np.r_[actor[order][1:] != actor[order][:-1], True]
        latest[actor[order][is_last]] = inputs.organisation_id[mask][order][is_last]
    return latest


def _organisation_history(inputs: Inputs, as_of, parameters: EngagementParameters):
    """Organisations as actors: a forum counts once for an organisation, with its best
    status (attended beats the rest) and its representatives' weightiest role."""
    mask = inputs.organisation_id >= 0
    organisation_ids, actor = np.unique(inputs.organisation_id[mask], return_inverse=True)
    if not len(organisation_ids):
        # Nobody represented an organisation yet (or nothing happened before ``as_of``).
        empty = np.zeros(0, dtype=np.int64)
        history = History(
            actor=empty, forum=empty, status=np.zeros(0, dtype=np.int8),
            role=np.zeros(0, dtype=np.int8), n_actors=0,
            forum_programme=inputs.forum_programme, forum_day=inputs.forum_day,
            as_of=as_of.toordinal(),
        )  # fmt: skip
        return organisation_ids.astype(np.int64), history, empty, empty
    forum = inputs.forum_row[mask]
    status = inputs.status[mask]
    role = inputs.role[mask]
    weight = np.asarray(parameters.role_weights)[role.astype(np.int64)]
    attended = status == ATTENDED
    counted = COUNTED[status.astype(np.int64)]
    key = actor * (len(inputs.forum_ids) + 1) + forum
    # Best first within each (organisation, forum): attended, then counted, then weight.
    order = np.lexsort((-weight, ~counted, ~attended, key))
    first_of_key = np.r_[True, key[order][1:] != key[order][:-1]]
    chosen = order[first_of_key]
    history = History(
        actor=actor[chosen],
        forum=forum[chosen],
        status=status[chosen],
        role=role[chosen],
        n_actors=len(organisation_ids),
        forum_programme=inputs.forum_programme,
        forum_day=inputs.forum_day,
        as_of=as_of.toordinal(),
    )
    # People: everyone who represented it at a forum they attended, and those who did so
    # at one of the last ``lapse_after`` forums of the programme.
    rank, held = programme_ranks(inputs.forum_programme, inputs.forum_day)
    contact = inputs.contact_row[mask]
    recent = rank[forum] >= held[inputs.forum_programme[forum]] - parameters.lapse_after

    def distinct(select):
        pairs = np.unique(np.stack([actor[select], contact[select]]), axis=1)
        return np.bincount(pairs[0], minlength=len(organisation_ids)).astype(np.int64)

    return organisation_ids, history, distinct(attended), distinct(attended & recent)


def _organisation_sectors(organisation_ids: np.ndarray) -> list[str]:
    from crm.models import Organisation

    sectors = dict(
        Organisation.objects.filter(pk__in=organisation_ids.tolist()).values_list("pk", "sector")
    )
    return [sectors.get(int(i), "") for i in organisation_ids]


def _sector_rows(inputs: Inputs, contacts: Engagement, parameters) -> list[dict]:
    """Per sector: contacts, levels, mean score, attendance rate and drift of its share of
    attendance between the latest forums of each programme and the ones before."""
    sector = inputs.contact_sector
    rank, held = programme_ranks(inputs.forum_programme, inputs.forum_day)
    attended = inputs.status == ATTENDED
    forum = inputs.forum_row[attended]
    recent = rank[forum] >= held[inputs.forum_programme[forum]] - parameters.lapse_after
    attendee_sector = sector[inputs.contact_row[attended]]
    rows = []
    total_recent, total_earlier = int(recent.sum()), int((~recent).sum())
    for name in SECTORS:
        members = sector == name
        if not members.any():
            continue
        came = members & (contacts.forums_attended > 0)
        levels = {
            level: int((members & (contacts.level == i)).sum()) for i, level in enumerate(LEVELS)
        }
        counted = contacts.forums_counted[members].sum()
        mine = attendee_sector == name
        recent_share = mine[recent].sum() / total_recent if total_recent else None
        earlier_share = mine[~recent].sum() / total_earlier if total_earlier else None
        rows.append(
            {
                "sector": name,
                "contacts": int(members.sum()),
                "attended": int(came.sum()),
                **levels,
                "mean_score": float(contacts.score[came].mean()) if came.any() else None,
                "attendance_rate": (
                    float(contacts.forums_attended[members].sum() / counted) if counted else None
                ),
                "recent_share": None if recent_share is None else float(recent_share),
                "earlier_share": None if earlier_share is None else float(earlier_share),
                "drift": (
                    float(recent_share - earlier_share)
                    if recent_share is not None and earlier_share is not None
                    else None
                ),
            }
        )
    return rows


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
