"""The attendance history of a period as plain arrays (no ORM): built from the rows a
selector reads, then cut into what the scoring takes, for contacts and for organisations.

Rows may come in any order: contacts are placed by id and forums by date (then id), so the
same history gives the same arrays however the database returned it.
"""

import datetime
from dataclasses import dataclass

import numpy as np

from .scoring import (
    ATTENDED,
    COUNTED,
    MEMBERSHIP_ROLES,
    PARTICIPATION_ROLES,
    STATUSES,
    EngagementParameters,
    ScoringInput,
    programme_ranks,
)


@dataclass
class Inputs:
    """Everything the scoring needs, with the ids that map rows back to the database."""

    contact_ids: np.ndarray  # ascending
    contact_sector: np.ndarray  # str per contact row
    forum_ids: np.ndarray  # chronological (date, then id)
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
    membership_role: np.ndarray  # int8 index into MEMBERSHIP_ROLES


def engagement_inputs(
    *,
    contacts: list[tuple[int, str]],
    forums: list[tuple[int, int | None, datetime.date]],
    participations: list[tuple[int, int, str, str, int | None]],
    memberships: list[tuple[int, datetime.date, datetime.date | None, str]],
) -> Inputs:
    """Arrays from plain rows: contacts (id, sector); the period's forums (id, programme id
    or None, date); participations at those forums (contact, forum, status, role,
    organisation or None); memberships (contact, joined, left or None, role)."""
    contacts = sorted(contacts)
    contact_ids = np.array([c for c, _ in contacts], dtype=np.int64)
    forums = sorted(forums, key=lambda f: (f[2], f[0]))
    forum_ids = np.array([f for f, _, _ in forums], dtype=np.int64)
    programme_ids = sorted({p for _, p, _ in forums if p is not None})
    programme_row = {p: i + 1 for i, p in enumerate(programme_ids)}
    status_code = {s: i for i, s in enumerate(STATUSES)}
    role_code = {r: i for i, r in enumerate(PARTICIPATION_ROLES)}
    membership_role_code = {r: i for i, r in enumerate(MEMBERSHIP_ROLES)}
    # The rows come from separate reads: a contact created, or a forum re-dated, between
    # them would have rows with no place in the arrays. They are left out (the next
    # snapshot has them), rather than mapped onto a neighbour's row.
    known_contacts = {c for c, _ in contacts}
    period = {f for f, _, _ in forums}
    rows = [r for r in participations if r[0] in known_contacts and r[1] in period]
    memberships = [m for m in memberships if m[0] in known_contacts]
    n = len(rows)
    return Inputs(
        contact_ids=contact_ids,
        contact_sector=np.array([s for _, s in contacts], dtype=object),
        forum_ids=forum_ids,
        forum_programme=np.array([programme_row.get(p, 0) for _, p, _ in forums], np.int64),
        forum_day=np.array([d.toordinal() for _, _, d in forums], dtype=np.int64),
        contact_row=np.searchsorted(contact_ids, np.fromiter((r[0] for r in rows), np.int64, n)),
        forum_row=rows_of(forum_ids, np.fromiter((r[1] for r in rows), np.int64, n)),
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
        membership_role=np.array(
            [membership_role_code[m[3]] for m in memberships], dtype=np.int8
        ).reshape(-1),
    )


def rows_of(ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Each value's row in ``ids``, which need not be sorted: forums are in date order, and
    a forum entered later may well have happened earlier."""
    order = np.argsort(ids, kind="stable")
    return order[np.searchsorted(ids, values, sorter=order)]


def contact_scoring_input(inputs: Inputs, as_of: datetime.date) -> ScoringInput:
    return ScoringInput(
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
        membership_role=inputs.membership_role,
    )


def contact_latest_organisation(inputs: Inputs) -> np.ndarray:
    """Per contact row: the organisation represented at their latest attended forum."""
    latest = np.full(len(inputs.contact_ids), -1, dtype=np.int64)
    mask = (inputs.status == ATTENDED) & (inputs.organisation_id >= 0)
    actor, forum = inputs.contact_row[mask], inputs.forum_row[mask]
    if len(actor):
        order = np.lexsort((forum, actor))  # forum rows are chronological
        is_last = np.r_[actor[order][1:] != actor[order][:-1], True]
        latest[actor[order][is_last]] = inputs.organisation_id[mask][order][is_last]
    return latest


def organisation_scoring_input(
    inputs: Inputs, as_of: datetime.date, parameters: EngagementParameters
):
    """Organisations as actors: a forum counts once for an organisation, with its best
    status (attended beats the rest) and its representatives' weightiest role.

    Returns the organisation ids, their history, and per organisation the people who
    represented it at a forum they attended, in all and at one of the last ``lapse_after``
    forums of the programme.
    """
    mask = inputs.organisation_id >= 0
    organisation_ids, actor = np.unique(inputs.organisation_id[mask], return_inverse=True)
    if not len(organisation_ids):
        # Nobody represented an organisation yet (or nothing happened before ``as_of``).
        empty = np.zeros(0, dtype=np.int64)
        history = ScoringInput(
            actor=empty, forum=empty, status=np.zeros(0, dtype=np.int8),
            role=np.zeros(0, dtype=np.int8), n_actors=0,
            forum_programme=inputs.forum_programme, forum_day=inputs.forum_day,
            as_of=as_of.toordinal(),
        )  # fmt: skip
        return organisation_ids.astype(np.int64), history, empty, empty
    forum = inputs.forum_row[mask]
    status = inputs.status[mask]
    role = inputs.role[mask]
    weight = parameters.role_weight_array()[role.astype(np.int64)]
    attended = status == ATTENDED
    counted = COUNTED[status.astype(np.int64)]
    key = actor * (len(inputs.forum_ids) + 1) + forum
    # Best first within each (organisation, forum): attended, then counted, then weight;
    # between roles of equal weight the first in PARTICIPATION_ROLES, so the order of the
    # rows never decides.
    order = np.lexsort((role, -weight, ~counted, ~attended, key))
    first_of_key = np.r_[True, key[order][1:] != key[order][:-1]]
    chosen = order[first_of_key]
    history = ScoringInput(
        actor=actor[chosen],
        forum=forum[chosen],
        status=status[chosen],
        role=role[chosen],
        n_actors=len(organisation_ids),
        forum_programme=inputs.forum_programme,
        forum_day=inputs.forum_day,
        as_of=as_of.toordinal(),
    )
    rank, held = programme_ranks(inputs.forum_programme, inputs.forum_day)
    contact = inputs.contact_row[mask]
    recent = rank[forum] >= held[inputs.forum_programme[forum]] - parameters.lapse_after

    def distinct(select):
        pairs = np.unique(np.stack([actor[select], contact[select]]), axis=1)
        return np.bincount(pairs[0], minlength=len(organisation_ids)).astype(np.int64)

    return organisation_ids, history, distinct(attended), distinct(attended & recent)
