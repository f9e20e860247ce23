"""Engagement from attendance, in one vectorised pass (plain arrays in, arrays out; no ORM).

The score (documented in the README) adds, for a contact at a date ``as_of``:

    score = sum over attended forums of  role weight × 2^(-(as_of - forum date) / half-life)
          + sum over working-group memberships of
                chair 3 / member 2 while current, 1 × 2^(-(as_of - left) / half-life) after

Role weights (``DEFAULT_ROLE_WEIGHTS``, keyed by crm's role values): participant 1,
speaker 2, moderator 2, organiser 1.5, partner 1.5. With a half-life of a year, a forum
attended a year ago counts half as much as one today, so the score falls while someone stays
away: that is the drift the history shows.

Levels, decided in this order:
    lapsed      attended at least ``lapse_min_forums`` (2) forums and missed the last
                ``lapse_after`` (3) held in every programme they attend
    new         every programme they attend: their first forum is among its last
                ``new_within`` (3) forums
    core        at least 4 forums and at least half of those held since their first
    regular     at least 2 forums and at least a quarter of those held since their first
    occasional  anyone else who attended
and none for a contact who never attended.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

# The vocabularies only (enums, no queries): crm's and this app's, never a copy.
from crm.models.choices import MembershipRole, ParticipationRole, ParticipationStatus

from .choices import EngagementLevel

# Arrays hold a status, a role or a level as its position in these (crm's declared order).
STATUSES = tuple(ParticipationStatus.values)
ATTENDED = STATUSES.index(ParticipationStatus.ATTENDED)
# Forums the contact was asked to or signed up for: the attendance rate's denominator.
# Waitlisted people had no place, so those forums do not count against them.
COUNTED = np.array([s != ParticipationStatus.WAITLISTED for s in STATUSES])
PARTICIPATION_ROLES = tuple(ParticipationRole.values)
MEMBERSHIP_ROLES = tuple(MembershipRole.values)
LEVELS = tuple(EngagementLevel.values)

# A speaker or moderator brought more to a forum than a participant; organisers and partners
# are often there by duty, so they count in between.
DEFAULT_ROLE_WEIGHTS = {
    ParticipationRole.PARTICIPANT: 1.0,
    ParticipationRole.SPEAKER: 2.0,
    ParticipationRole.MODERATOR: 2.0,
    ParticipationRole.ORGANISER: 1.5,
    ParticipationRole.PARTNER: 1.5,
}
# A current working-group membership: a chair carries the group, a member takes part.
DEFAULT_MEMBERSHIP_WEIGHTS = {MembershipRole.CHAIR: 3.0, MembershipRole.MEMBER: 2.0}


def _weights(defaults: Mapping[str, float]):
    return field(default_factory=lambda: {str(k): v for k, v in defaults.items()})


@dataclass(frozen=True)
class EngagementParameters:
    half_life_days: float = 365.0
    # Keyed by role value. Every role of crm's vocabulary needs one: a role added there
    # without a weight is refused here, not scored as some other role.
    role_weights: Mapping[str, float] = _weights(DEFAULT_ROLE_WEIGHTS)
    membership_weights: Mapping[str, float] = _weights(DEFAULT_MEMBERSHIP_WEIGHTS)
    past_member_weight: float = 1.0
    # Lapsed: at least ``lapse_min_forums`` forums, then missed the last ``lapse_after``
    # (the services take both from settings: ENGAGEMENT_LAPSED_*).
    lapse_after: int = 3
    lapse_min_forums: int = 2
    new_within: int = 3
    core_min_forums: int = 4
    core_min_share: float = 0.5
    regular_min_forums: int = 2
    regular_min_share: float = 0.25

    def __post_init__(self):
        for name, vocabulary in (("role_weights", PARTICIPATION_ROLES),
                                 ("membership_weights", MEMBERSHIP_ROLES)):  # fmt: skip
            weights = getattr(self, name)
            missing, unknown = set(vocabulary) - set(weights), set(weights) - set(vocabulary)
            if missing or unknown:
                raise ValueError(
                    f"{name} must weigh every role: missing {sorted(missing)}, "
                    f"unknown {sorted(unknown)}"
                )

    def role_weight_array(self) -> np.ndarray:
        """The weights in the order of PARTICIPATION_ROLES (the codes the arrays hold)."""
        return np.array([self.role_weights[r] for r in PARTICIPATION_ROLES], dtype=np.float64)

    def membership_weight_array(self) -> np.ndarray:
        return np.array([self.membership_weights[r] for r in MEMBERSHIP_ROLES], dtype=np.float64)

    def as_dict(self) -> dict:
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        values["role_weights"] = {str(k): v for k, v in self.role_weights.items()}
        values["membership_weights"] = {str(k): v for k, v in self.membership_weights.items()}
        return values

    @classmethod
    def from_stored(cls, values: dict) -> "EngagementParameters":
        """The parameters a snapshot stored. Snapshots stored before the weights were keyed
        by role listed the role weights in crm's role order and named the membership ones
        ``chair_weight`` and ``member_weight``."""
        values = dict(values)
        if isinstance(values.get("role_weights"), list):
            values["role_weights"] = dict(
                zip(PARTICIPATION_ROLES, values["role_weights"], strict=True)
            )
        chair, member = values.pop("chair_weight", None), values.pop("member_weight", None)
        if chair is not None and member is not None:
            values.setdefault(
                "membership_weights",
                {MembershipRole.CHAIR.value: chair, MembershipRole.MEMBER.value: member},
            )
        known = {k: v for k, v in values.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass(frozen=True)
class ScoringInput:
    """What happened up to ``as_of``: participations, forums and memberships as arrays.

    Participations reference actors by row index (``actor``), so the same function scores
    contacts and organisations; forums by row index into the forum arrays.
    """

    actor: np.ndarray  # int64 row of the actor (contact or organisation)
    forum: np.ndarray  # int64 row into the forum arrays
    status: np.ndarray  # int8 index into STATUSES
    role: np.ndarray  # int8 index into PARTICIPATION_ROLES
    n_actors: int
    forum_programme: np.ndarray  # int64 programme row per forum (0 = no programme)
    forum_day: np.ndarray  # int64 ordinal date per forum
    as_of: int  # ordinal
    membership_actor: np.ndarray = None  # int64, per membership
    membership_joined: np.ndarray = None  # int64 ordinal
    membership_left: np.ndarray = None  # int64 ordinal, -1 while current
    membership_role: np.ndarray = None  # int8 index into MEMBERSHIP_ROLES


@dataclass
class EngagementFigures:
    """Per actor (row), every figure of the engagement view."""

    first_forum: np.ndarray  # forum row, -1 if never attended
    last_forum: np.ndarray
    forums_attended: np.ndarray
    forums_counted: np.ndarray  # the attendance rate's denominator
    attendance_rate: np.ndarray  # NaN when nothing counts
    role_counts: np.ndarray  # actors × PARTICIPATION_ROLES, attended forums in each role
    held_since_first: np.ndarray  # forums of their programmes since their first
    missed_since_last: np.ndarray  # forums of their programmes since their last; -1 never
    memberships: np.ndarray
    memberships_current: np.ndarray
    membership_days: np.ndarray
    score: np.ndarray
    level: np.ndarray  # index into LEVELS, -1 for never attended


def programme_ranks(forum_programme: np.ndarray, forum_day: np.ndarray):
    """Each forum's position within its programme (by date, then row), and each
    programme's number of forums."""
    order = np.lexsort((np.arange(len(forum_day)), forum_day, forum_programme))
    rank = np.empty(len(order), dtype=np.int64)
    programme_sorted = forum_programme[order]
    starts = np.r_[0, np.flatnonzero(np.diff(programme_sorted)) + 1]
    lengths = np.diff(np.r_[starts, len(order)])
    rank[order] = np.arange(len(order)) - np.repeat(starts, lengths)
    n_programmes = int(forum_programme.max()) + 1 if len(forum_programme) else 0
    held = np.bincount(forum_programme, minlength=n_programmes).astype(np.int64)
    return rank, held


def engagement_figures(
    history: ScoringInput, parameters: EngagementParameters
) -> EngagementFigures:
    n = history.n_actors
    attended = history.status == ATTENDED
    actor, forum = history.actor[attended], history.forum[attended]
    role = history.role[attended].astype(np.int64)
    day = history.forum_day[forum]

    forums_attended = np.bincount(actor, minlength=n).astype(np.int64)
    counted = COUNTED[history.status.astype(np.int64)]
    forums_counted = np.bincount(history.actor[counted], minlength=n).astype(np.int64)
    attendance_rate = np.divide(
        forums_attended, forums_counted, out=np.full(n, np.nan), where=forums_counted > 0
    )
    role_counts = np.zeros((n, len(PARTICIPATION_ROLES)), dtype=np.int64)
    np.add.at(role_counts, (actor, role), 1)

    # First and last forum: order attended rows by actor, then date.
    order = np.lexsort((forum, day, actor))
    first_forum = np.full(n, -1, dtype=np.int64)
    last_forum = np.full(n, -1, dtype=np.int64)
    if len(order):
        sorted_actor = actor[order]
        is_first = np.r_[True, sorted_actor[1:] != sorted_actor[:-1]]
        is_last = np.r_[sorted_actor[1:] != sorted_actor[:-1], True]
        first_forum[sorted_actor[is_first]] = forum[order][is_first]
        last_forum[sorted_actor[is_last]] = forum[order][is_last]

    held_since_first, missed_since_last, new = _programme_positions(
        history, actor, forum, n, parameters.new_within
    )

    weights = parameters.role_weight_array()[role]
    decay = np.exp2(-(history.as_of - day) / parameters.half_life_days)
    # astype: numpy counts an empty list of weighted items as integers, and the membership
    # points added below would then not fit (someone in a working group, no forum yet).
    score = np.bincount(actor, weights=weights * decay, minlength=n).astype(np.float64)
    memberships = np.zeros(n, dtype=np.int64)
    memberships_current = np.zeros(n, dtype=np.int64)
    membership_days = np.zeros(n, dtype=np.int64)
    if history.membership_actor is not None and len(history.membership_actor):
        member = history.membership_actor
        left = history.membership_left
        current = (left < 0) | (left > history.as_of)
        end = np.where(current, history.as_of, left)
        memberships = np.bincount(member, minlength=n).astype(np.int64)
        memberships_current = np.bincount(member[current], minlength=n).astype(np.int64)
        days = np.maximum(end - history.membership_joined, 0)
        membership_days = np.bincount(member, weights=days, minlength=n).astype(np.int64)
        active_weight = parameters.membership_weight_array()[
            history.membership_role.astype(np.int64)
        ]
        faded = parameters.past_member_weight * np.exp2(
            -(history.as_of - end) / parameters.half_life_days
        )
        score += np.bincount(member, weights=np.where(current, active_weight, faded), minlength=n)

    share = np.divide(
        forums_attended, held_since_first, out=np.zeros(n), where=held_since_first > 0
    )
    level = np.full(n, -1, dtype=np.int64)
    p = parameters
    came = forums_attended > 0
    stayed_away = lapsed(
        forums_attended, missed_since_last, missed=p.lapse_after, min_forums=p.lapse_min_forums
    )
    conditions = [
        (EngagementLevel.LAPSED, stayed_away),
        (EngagementLevel.NEW, new),
        (
            EngagementLevel.CORE,
            (forums_attended >= p.core_min_forums) & (share >= p.core_min_share),
        ),
        (
            EngagementLevel.REGULAR,
            (forums_attended >= p.regular_min_forums) & (share >= p.regular_min_share),
        ),
        (EngagementLevel.OCCASIONAL, came),
    ]
    for name, condition in conditions:
        level[(level < 0) & came & condition] = LEVELS.index(name)
    return EngagementFigures(
        first_forum=first_forum,
        last_forum=last_forum,
        forums_attended=forums_attended,
        forums_counted=forums_counted,
        attendance_rate=attendance_rate,
        role_counts=role_counts,
        held_since_first=held_since_first,
        missed_since_last=missed_since_last,
        memberships=memberships,
        memberships_current=memberships_current,
        membership_days=membership_days,
        score=score,
        level=level,
    )


def lapsed(forums_attended, missed_since_last, *, missed: int, min_forums: int) -> np.ndarray:
    """Who lapsed: came to at least ``min_forums`` forums, then missed at least the last
    ``missed`` held in every programme they attend (``missed_since_last``; -1 for people
    who never came, so they never count). The level uses it with ``lapse_after`` and
    ``lapse_min_forums``; the lapsed list filters stored figures with ``lapsed_lookups``,
    by default with the same two (engagement.selectors.lapsed_queryset)."""
    return (np.asarray(forums_attended) >= min_forums) & (np.asarray(missed_since_last) >= missed)


def lapsed_lookups(*, missed: int, min_forums: int) -> dict:
    """``lapsed`` as field lookups on stored engagement figures, for a queryset filter."""
    return {"forums_attended__gte": min_forums, "missed_since_last__gte": missed}


def _programme_positions(history, actor, forum, n, new_within):
    """Per actor, across the programmes they attend: forums held since their first,
    forums held since their last (the fewest over programmes), and whether they are new
    in every one of them."""
    rank, held = programme_ranks(history.forum_programme, history.forum_day)
    held_since_first = np.zeros(n, dtype=np.int64)
    missed = np.full(n, -1, dtype=np.int64)
    new = np.zeros(n, dtype=bool)
    if len(actor) == 0:
        return held_since_first, missed, new
    programme = history.forum_programme[forum]
    pairs = actor * (len(held) + 1) + programme  # one key per (actor, programme)
    keys, inverse = np.unique(pairs, return_inverse=True)
    first = np.full(len(keys), np.iinfo(np.int64).max)
    last = np.full(len(keys), -1)
    np.minimum.at(first, inverse, rank[forum])
    np.maximum.at(last, inverse, rank[forum])
    key_actor = keys // (len(held) + 1)
    key_programme = keys % (len(held) + 1)
    size = held[key_programme]
    np.add.at(held_since_first, key_actor, size - first)
    since_last = size - 1 - last
    fewest = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(fewest, key_actor, since_last)
    missed = np.where(fewest == np.iinfo(np.int64).max, -1, fewest)
    recent_start = size - new_within
    not_new = np.zeros(n, dtype=bool)
    np.logical_or.at(not_new, key_actor, first < recent_start)
    came = np.zeros(n, dtype=bool)
    came[key_actor] = True
    new = came & ~not_new
    return held_since_first, missed, new


def cohorts(first_rank: np.ndarray, attended_rank: np.ndarray, attended_member: np.ndarray,
            n_forums: int) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Cohort retention in one pass: ``sizes[c]`` people first came at forum c, and
    ``returned[c, f]`` of them attended forum f (f > c).

    ``first_rank`` is per member; ``attended_rank``/``attended_member`` list attendances.
    """
    sizes = np.bincount(first_rank, minlength=n_forums).astype(np.int64)
    cohort = first_rank[attended_member]
    later = attended_rank > cohort
    returned = np.zeros((n_forums, n_forums), dtype=np.int64)
    np.add.at(returned, (cohort[later], attended_rank[later]), 1)
    return sizes, returned


def first_ranks(person: np.ndarray, rank: np.ndarray, n_forums: int):
    """From attendances (person id, forum rank): each attendance's person as a row, and
    each person's first forum rank."""
    people, member = np.unique(person, return_inverse=True)
    first = np.full(len(people), n_forums, dtype=np.int64)
    np.minimum.at(first, member, rank)
    return member, first


def attendance_cohorts(person: np.ndarray, rank: np.ndarray, n_forums: int):
    """``cohorts`` straight from attendances (person id, forum rank)."""
    member, first = first_ranks(person, rank, n_forums)
    return cohorts(first, rank, member, n_forums)


def returning_attendees(person: np.ndarray, rank: np.ndarray, n_forums: int) -> np.ndarray:
    """Per forum rank: attendees who had come to an earlier forum (the others are
    first-timers)."""
    member, first = first_ranks(person, rank, n_forums)
    return np.bincount(rank[rank > first[member]], minlength=n_forums).astype(np.int64)
