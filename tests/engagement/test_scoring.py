"""Engagement on hand-built attendance histories, with every figure worked out by hand."""

import math

import numpy as np
import pytest

from engagement.scoring import (
    LEVELS,
    MEMBERSHIP_ROLES,
    PARTICIPATION_ROLES,
    STATUSES,
    EngagementParameters,
    ScoringInput,
    cohorts,
    engagement_figures,
)
from engagement.selectors import balance

# One programme (row 1), six forums a hundred days apart; "today" is the last forum's day.
DAYS = [0, 100, 200, 300, 400, 500]
A, B, C, D, E, F, G, H = range(8)
S = {name: i for i, name in enumerate(STATUSES)}
R = {name: i for i, name in enumerate(PARTICIPATION_ROLES)}


def history(rows, memberships=(), n=8):
    """rows: (person, forum, status, role)."""
    return ScoringInput(
        actor=np.array([r[0] for r in rows], dtype=np.int64),
        forum=np.array([r[1] for r in rows], dtype=np.int64),
        status=np.array([S[r[2]] for r in rows], dtype=np.int8),
        role=np.array([R[r[3]] for r in rows], dtype=np.int8),
        n_actors=n,
        forum_programme=np.ones(len(DAYS), dtype=np.int64),
        forum_day=np.array(DAYS, dtype=np.int64),
        as_of=500,
        membership_actor=np.array([m[0] for m in memberships], dtype=np.int64),
        membership_joined=np.array([m[1] for m in memberships], dtype=np.int64),
        membership_left=np.array([m[2] for m in memberships], dtype=np.int64),
        # m[3]: chairs the group (else a member)
        membership_role=np.array(
            [MEMBERSHIP_ROLES.index("chair" if m[3] else "member") for m in memberships],
            dtype=np.int8,
        ),
    )


ROWS = [
    *[(A, f, "attended", "speaker" if f == 2 else "participant") for f in range(6)],
    *[(B, f, "attended", "participant") for f in range(3)],
    (B, 3, "invited", "participant"),
    (B, 4, "no_show", "participant"),
    (B, 5, "cancelled", "participant"),
    (C, 4, "attended", "participant"),
    (D, 1, "attended", "participant"),
    (D, 3, "attended", "organiser"),
    (E, 0, "attended", "participant"),
    (F, 5, "invited", "participant"),
    (H, 3, "attended", "moderator"),
    (H, 5, "waitlisted", "participant"),
]
MEMBERSHIPS = [(A, 300, -1, True), (D, 200, 400, False)]


@pytest.fixture
def result():
    return engagement_figures(history(ROWS, MEMBERSHIPS), EngagementParameters())


def decay(day):
    return 2 ** (-(500 - day) / 365)


def test_scores_follow_the_documented_formula(result):
    expected_a = decay(0) + decay(100) + 2 * decay(200) + decay(300) + decay(400) + decay(500) + 3
    assert result.score[A] == pytest.approx(expected_a)
    assert result.score[B] == pytest.approx(decay(0) + decay(100) + decay(200))
    assert result.score[C] == pytest.approx(decay(400))
    assert result.score[D] == pytest.approx(decay(100) + 1.5 * decay(300) + 1 * decay(400))
    assert result.score[H] == pytest.approx(2 * decay(300))
    assert result.score[F] == 0
    assert result.score[G] == 0


def test_levels(result):
    levels = [LEVELS[code] if code >= 0 else None for code in result.level]
    assert levels == [
        "core",  # A: every forum
        "lapsed",  # B: three forums, then missed the last three
        "new",  # C: first came at the fifth of six
        "regular",  # D: 2 of the 5 held since their first, missed only the last two
        "occasional",  # E: came once, long ago: not a lapsed regular
        None,  # F: invited, never came
        None,  # G: nothing at all
        "new",  # H: first came at the fourth of six (one of the last three)
    ]


def test_counts_dates_and_rates(result):
    assert result.forums_attended.tolist() == [6, 3, 1, 2, 1, 0, 0, 1]
    assert result.first_forum.tolist() == [0, 0, 4, 1, 0, -1, -1, 3]
    assert result.last_forum.tolist() == [5, 2, 4, 3, 0, -1, -1, 3]
    # Waitlisted forums do not count against H: 1 of 1.
    assert result.forums_counted.tolist() == [6, 6, 1, 2, 1, 1, 0, 1]
    rates = result.attendance_rate
    assert rates[:5].tolist() == [1.0, 0.5, 1.0, 1.0, 1.0]
    assert rates[F] == 0.0
    assert math.isnan(rates[G])
    assert rates[H] == 1.0
    assert result.held_since_first.tolist() == [6, 6, 2, 5, 6, 0, 0, 3]
    assert result.missed_since_last.tolist() == [0, 3, 1, 2, 5, -1, -1, 2]


def test_roles_and_working_groups(result):
    roles = {role: result.role_counts[:, i].tolist() for i, role in enumerate(PARTICIPATION_ROLES)}
    assert roles["speaker"] == [1, 0, 0, 0, 0, 0, 0, 0]
    assert roles["organiser"] == [0, 0, 0, 1, 0, 0, 0, 0]
    assert roles["moderator"] == [0, 0, 0, 0, 0, 0, 0, 1]
    assert roles["participant"] == [5, 3, 1, 1, 1, 0, 0, 0]
    assert result.memberships.tolist() == [1, 0, 0, 1, 0, 0, 0, 0]
    assert result.memberships_current.tolist() == [1, 0, 0, 0, 0, 0, 0, 0]
    assert result.membership_days.tolist() == [200, 0, 0, 200, 0, 0, 0, 0]


def test_missing_only_two_is_not_lapsed_and_the_threshold_is_a_parameter():
    strict = engagement_figures(history(ROWS, MEMBERSHIPS), EngagementParameters(lapse_after=2))
    assert LEVELS[strict.level[D]] == "lapsed"
    assert LEVELS[strict.level[B]] == "lapsed"


def test_cohorts_by_first_forum_with_a_cohort_of_one():
    # Attendances as (member, forum rank); members first came at 0, 0, 1, 2.
    attended = [(0, 0), (0, 1), (0, 3), (1, 0), (1, 3), (2, 1), (2, 2), (3, 2)]
    member = np.array([a[0] for a in attended])
    rank = np.array([a[1] for a in attended])
    first = np.array([0, 0, 1, 2])
    sizes, returned = cohorts(first, rank, member, 4)
    assert sizes.tolist() == [2, 1, 1, 0]
    assert returned.tolist() == [
        [0, 1, 0, 2],  # of the two who started at forum 0: one came to 1, both to 3
        [0, 0, 1, 0],  # the cohort of one (forum 1) came back at forum 2
        [0, 0, 0, 0],  # forum 2's newcomer never came back
        [0, 0, 0, 0],  # nobody started at forum 3
    ]


def test_balance_against_targets():
    figures = balance(
        {"government": 1, "civil_society": 6, "business": 3},
        {"government": 0.15, "civil_society": 0.15, "business": 0.15},
    )
    assert figures["attendees"] == 10
    assert figures["shares"] == {"business": 0.3, "civil_society": 0.6, "government": 0.1}
    assert figures["gaps"] == {"government": pytest.approx(0.05)}
    assert figures["meets_targets"] is False
    empty = balance({}, {"government": 0.2})
    assert empty["attendees"] == 0
    assert empty["gaps"] == {"government": 0.2}


def test_a_working_group_member_who_never_came_to_a_forum_scores_the_membership():
    # Found by the property tests: with no attended forum at all, numpy summed the forum
    # part as integers and adding the membership points failed.
    result = engagement_figures(
        history([(A, 0, "invited", "participant")], [(B, 100, -1, True)]), EngagementParameters()
    )
    assert result.score.tolist() == [0, 3.0, 0, 0, 0, 0, 0, 0]
    assert result.level.tolist() == [-1] * 8


def test_rows_read_around_a_concurrent_edit_are_left_out_not_misplaced():
    """Found in review: the history is read in separate statements, so a contact created
    or a forum re-dated between them left rows pointing at no array row (an IndexError, or
    a neighbour's row taken silently)."""
    import datetime as dt

    from engagement.attendance import engagement_inputs
    from network.graphs import attendance_from_rows

    day = dt.date(2019, 1, 1)
    inputs = engagement_inputs(
        contacts=[(1, "media"), (3, "")],
        forums=[(10, None, day)],
        participations=[(1, 10, "attended", "participant", None),
                        (2, 10, "attended", "participant", None),  # a contact created since
                        (3, 11, "attended", "participant", None)],  # a forum re-dated since
        memberships=[(2, day, None, "member")],
    )  # fmt: skip
    assert inputs.contact_row.tolist() == [0]
    assert inputs.forum_row.tolist() == [0]
    assert len(inputs.membership_contact_row) == 0
    attendance = attendance_from_rows(
        [(10, day)], [(1, 10, None, "participant"), (3, 11, None, "speaker")], {}, {}
    )
    assert attendance.forum.tolist() == [10]
