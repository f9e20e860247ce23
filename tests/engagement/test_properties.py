"""Properties of the engagement figures over generated attendance histories (Hypothesis).

Whatever the history (see tests/histories.py, degenerate ones included), the figures are
computed without error, one per contact, organisation, sector or forum; they keep to their
documented definitions and ranges; counts add up; and the order in which the database
returns the rows changes nothing.
"""

import dataclasses
import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engagement.attendance import (
    contact_latest_organisation,
    contact_scoring_input,
    organisation_scoring_input,
)
from engagement.balance import forum_balance_rows
from engagement.scoring import (
    LEVELS,
    PARTICIPATION_ROLES,
    STATUSES,
    EngagementParameters,
    attendance_cohorts,
    engagement_figures,
    lapsed,
    programme_ranks,
    returning_attendees,
)
from engagement.sectors import sector_engagement_rows
from network.graphs import SECTOR_ORDER, contact_membership
from network.growth import forum_growth
from tests.histories import (
    ATTENDED,
    SECTORS,
    histories,
    named_cases,
)

PARAMETERS = EngagementParameters()
WEIGHT = PARAMETERS.role_weights


def computed(history, parameters=PARAMETERS):
    inputs = history.engagement_inputs()
    contacts = engagement_figures(contact_scoring_input(inputs, history.as_of), parameters)
    return inputs, contacts


def series(history) -> dict:
    """The forums held, per programme (None: forums of no programme), in date order."""
    by_programme = {}
    for forum in sorted(history.forums_held(), key=lambda f: (f.date, f.id)):
        by_programme.setdefault(forum.programme, []).append(forum.id)
    return by_programme


def level_name(code) -> str | None:
    return LEVELS[code] if code >= 0 else None


@named_cases()
@given(history=histories())
def test_the_arrays_hold_every_contact_forum_and_participation_of_the_period(history):
    inputs = history.engagement_inputs()
    assert inputs.contact_ids.tolist() == sorted(c for c, _ in history.contacts)
    for contact, sector in zip(inputs.contact_ids, inputs.contact_sector, strict=True):
        assert sector == history.contact_sector[contact]
    held = sorted(history.forums_held(), key=lambda f: (f.date, f.id))
    assert inputs.forum_ids.tolist() == [f.id for f in held]
    assert (np.diff(inputs.forum_day) >= 0).all()
    programme_row = dict(zip([f.programme for f in held], inputs.forum_programme, strict=True))
    assert len(set(programme_row.values())) == len(programme_row)  # one row per programme
    assert programme_row.get(None, 0) == 0
    assert all(row > 0 for programme, row in programme_row.items() if programme is not None)
    rows = sorted(
        (
            int(inputs.contact_ids[c]), int(inputs.forum_ids[f]), STATUSES[s],
            PARTICIPATION_ROLES[r],
            None if o < 0 else int(o),
        )
        for c, f, s, r, o in zip(inputs.contact_row, inputs.forum_row, inputs.status,
                                 inputs.role, inputs.organisation_id, strict=True)
    )  # fmt: skip
    expected = sorted(dataclasses.astuple(p) for p in history.participations_held())
    assert rows == expected
    members = sorted(inputs.contact_ids[inputs.membership_contact_row].tolist())
    assert members == sorted(m.contact for m in history.memberships if m.joined <= history.as_of)


@named_cases()
@given(history=histories())
def test_contact_figures_follow_their_definitions(history):
    inputs, result = computed(history)
    by_programme = series(history)
    programme_of = {f.id: f.programme for f in history.forums}
    held = history.participations_held()
    forum_ids = inputs.forum_ids.tolist()
    for i, contact in enumerate(inputs.contact_ids.tolist()):
        mine = [p for p in held if p.contact == contact]
        came = [p for p in mine if p.status == ATTENDED]
        counted = [p for p in mine if p.status != "waitlisted"]
        assert result.forums_attended[i] == len(came)
        assert result.forums_counted[i] == len(counted)
        assert result.forums_attended[i] <= result.forums_counted[i]
        if counted:
            assert 0 <= result.attendance_rate[i] <= 1
            assert result.attendance_rate[i] == pytest.approx(len(came) / len(counted))
        else:
            assert math.isnan(result.attendance_rate[i])
        assert result.role_counts[i].tolist() == [
            sum(1 for p in came if p.role == role) for role in PARTICIPATION_ROLES
        ]
        if not came:
            assert result.first_forum[i] == result.last_forum[i] == -1
            assert result.missed_since_last[i] == -1
            assert result.held_since_first[i] == 0
            assert level_name(result.level[i]) is None
            continue
        dates = sorted((history.forum_date(p.forum), p.forum) for p in came)
        assert forum_ids[result.first_forum[i]] == dates[0][1]
        assert forum_ids[result.last_forum[i]] == dates[-1][1]
        # Per programme they attend: forums held since their first, and since their last.
        since_first, since_last, new = 0, [], True
        for programme in {programme_of[p.forum] for p in came}:
            forums = by_programme[programme]
            positions = [forums.index(p.forum) for p in came if programme_of[p.forum] == programme]
            since_first += len(forums) - min(positions)
            since_last.append(len(forums) - 1 - max(positions))
            new &= min(positions) >= len(forums) - PARAMETERS.new_within
        assert result.held_since_first[i] == since_first >= len(came)
        assert result.missed_since_last[i] == min(since_last)
        # Levels, in their documented order.
        share = len(came) / since_first
        if len(came) >= PARAMETERS.lapse_min_forums and min(since_last) >= PARAMETERS.lapse_after:
            expected = "lapsed"
        elif new:
            expected = "new"
        elif len(came) >= PARAMETERS.core_min_forums and share >= PARAMETERS.core_min_share:
            expected = "core"
        elif len(came) >= PARAMETERS.regular_min_forums and share >= PARAMETERS.regular_min_share:
            expected = "regular"
        else:
            expected = "occasional"
        assert level_name(result.level[i]) == expected


@named_cases()
@given(history=histories())
def test_scores_are_positive_for_who_came_and_bounded_by_the_weights(history):
    inputs, result = computed(history)
    memberships = [m for m in history.memberships if m.joined <= history.as_of]
    for i, contact in enumerate(inputs.contact_ids.tolist()):
        came = [p for p in history.attended() if p.contact == contact]
        theirs = [m for m in memberships if m.contact == contact]
        assert result.memberships[i] == len(theirs)
        current = [m for m in theirs if m.left is None or m.left > history.as_of]
        assert result.memberships_current[i] == len(current)
        as_of = history.as_of
        days = sum(max(((as_of if m in current else m.left) - m.joined).days, 0) for m in theirs)
        assert result.membership_days[i] == days
        # A forum of today counts its full weight, older ones less; a working group counts
        # 3 (chair) or 2 while current and at most 1 after.
        ceiling = sum(WEIGHT[p.role] for p in came) + sum(
            PARAMETERS.membership_weights[m.role] if m in current else PARAMETERS.past_member_weight
            for m in theirs
        )
        assert 0 <= result.score[i] <= ceiling + 1e-9
        assert (result.score[i] > 0) == bool(came or theirs)


@named_cases()
@given(history=histories())
def test_nobody_attended_anything_when_as_of_is_before_every_forum(history):
    if history.forums:
        first = min(f.date for f in history.forums)
        history = dataclasses.replace(history, as_of=first - dt.timedelta(days=1))
    inputs, result = computed(history)
    assert len(inputs.forum_ids) == 0
    assert len(result.level) == len(history.contacts)
    assert (result.forums_attended == 0).all()
    assert (result.forums_counted == 0).all()
    assert (result.level == -1).all()
    assert (result.first_forum == -1).all()
    assert np.isnan(result.attendance_rate).all()
    ids, _, people, recent = organisation_scoring_input(inputs, history.as_of, PARAMETERS)
    assert len(ids) == len(people) == len(recent) == 0
    for row in sector_engagement_rows(inputs, result, PARAMETERS):
        assert row["attended"] == 0
        assert row["recent_share"] is None
        assert row["earlier_share"] is None


@named_cases()
@given(history=histories())
def test_lapsed_is_the_level_and_never_someone_who_came_recently(history):
    inputs, result = computed(history)
    p = PARAMETERS
    gone = lapsed(result.forums_attended, result.missed_since_last,
                  missed=p.lapse_after, min_forums=p.lapse_min_forums)  # fmt: skip
    assert (gone == (result.level == LEVELS.index("lapsed"))).all()
    by_programme = series(history)
    programme_of = {f.id: f.programme for f in history.forums}
    for missed in range(1, 5):
        for min_forums in range(1, 5):
            chosen = lapsed(result.forums_attended, result.missed_since_last,
                            missed=missed, min_forums=min_forums)  # fmt: skip
            for i in np.flatnonzero(chosen):
                contact = inputs.contact_ids[i]
                came = [a for a in history.attended() if a.contact == contact]
                assert len(came) >= min_forums
                # None of the last ``missed`` forums of any of their programmes.
                for a in came:
                    assert a.forum not in by_programme[programme_of[a.forum]][-missed:]
            stricter = lapsed(result.forums_attended, result.missed_since_last,
                              missed=missed + 1, min_forums=min_forums + 1)  # fmt: skip
            assert not (stricter & ~chosen).any()


@named_cases()
@given(history=histories())
def test_organisations_count_each_forum_once_with_their_best_status_and_role(history):
    inputs, _ = computed(history)
    ids, organisation_actors, people, recent = organisation_scoring_input(
        inputs, history.as_of, PARAMETERS
    )
    held = history.participations_held()
    organisations = sorted({p.organisation for p in held if p.organisation is not None})
    assert ids.tolist() == organisations
    result = engagement_figures(organisation_actors, PARAMETERS)
    for i, organisation in enumerate(organisations):
        theirs = [p for p in held if p.organisation == organisation]
        came = [p for p in theirs if p.status == ATTENDED]
        forums_came = {p.forum for p in came}
        assert result.forums_attended[i] == len(forums_came)
        assert result.forums_counted[i] == len(
            {p.forum for p in theirs if p.status != "waitlisted"}
        )
        # Per forum attended, the weightiest role among those who came.
        best = [max(WEIGHT[p.role] for p in came if p.forum == f) for f in forums_came]
        weights = np.array([WEIGHT[r] for r in PARTICIPATION_ROLES])
        assert sorted(best) == sorted(np.repeat(weights, result.role_counts[i]).tolist())
        assert people[i] == len({p.contact for p in came})
        # Recent: at one of the last ``lapse_after`` forums of the forum's programme.
        last = {f for forums in series(history).values() for f in forums[-PARAMETERS.lapse_after :]}
        assert recent[i] == len({p.contact for p in came if p.forum in last})
        assert (result.level[i] == -1) == (not came)


@named_cases()
@given(history=histories())
def test_each_contact_is_listed_with_the_organisation_of_their_latest_forum(history):
    inputs, _ = computed(history)
    latest = contact_latest_organisation(inputs)
    assert len(latest) == len(inputs.contact_ids)
    for i, contact in enumerate(inputs.contact_ids.tolist()):
        came = [p for p in history.attended()
                if p.contact == contact and p.organisation is not None]  # fmt: skip
        if not came:
            assert latest[i] == -1
        else:
            last = max(came, key=lambda p: (history.forum_date(p.forum), p.forum))
            assert latest[i] == last.organisation


@named_cases()
@given(history=histories())
def test_sector_rows_add_up_to_the_contacts(history):
    inputs, result = computed(history)
    rows = sector_engagement_rows(inputs, result, PARAMETERS)
    sectors = [row["sector"] for row in rows]
    assert len(set(sectors)) == len(sectors)
    assert set(sectors) == {s for _, s in history.contacts}
    assert set(sectors) <= set(SECTOR_ORDER) == set(SECTORS)
    assert sum(row["contacts"] for row in rows) == len(history.contacts)
    assert sum(row["attended"] for row in rows) == int((result.forums_attended > 0).sum())
    for row in rows:
        assert 0 <= row["attended"] <= row["contacts"]
        assert sum(row[level] for level in LEVELS) == row["attended"]
        assert (row["mean_score"] is None) == (row["attended"] == 0)
        assert row["mean_score"] is None or row["mean_score"] > 0
        rate = row["attendance_rate"]
        assert rate is None or 0 <= rate <= 1
        for share in ("recent_share", "earlier_share"):
            assert row[share] is None or 0 <= row[share] <= 1
        drift = row["drift"]
        assert drift is None or -1 <= drift <= 1
    # Shares of attendance at the last ``lapse_after`` forums of each programme, and before.
    last = {f for forums in series(history).values() for f in forums[-PARAMETERS.lapse_after :]}
    attended = history.attended()
    for row in rows:
        members = {c for c, s in history.contacts if s == row["sector"]}
        for share, part in (("recent_share", True), ("earlier_share", False)):
            total = [p for p in attended if (p.forum in last) == part]
            mine = [p for p in total if p.contact in members]
            expected = len(mine) / len(total) if total else None
            assert row[share] == pytest.approx(expected)
        theirs = [p for p in history.participations_held() if p.contact in members]
        counted = sum(1 for p in theirs if p.status != "waitlisted")
        came = sum(1 for p in theirs if p.status == ATTENDED)
        assert row["attendance_rate"] == (pytest.approx(came / counted) if counted else None)
    for share in ("recent_share", "earlier_share"):
        values = [row[share] for row in rows]
        if any(v is not None for v in values):
            assert sum(values) == pytest.approx(1.0)


@named_cases()
@given(history=histories())
def test_forums_are_ranked_within_their_programme_by_date(history):
    inputs = history.engagement_inputs()
    rank, held = programme_ranks(inputs.forum_programme, inputs.forum_day)
    assert held.sum() == len(inputs.forum_ids)
    for forums in series(history).values():
        rows = [inputs.forum_ids.tolist().index(f) for f in forums]
        assert rank[rows].tolist() == list(range(len(forums)))
        assert held[inputs.forum_programme[rows[0]]] == len(forums)


@named_cases()
@given(history=histories())
def test_cohorts_and_returning_attendees_add_up_forum_by_forum(history):
    for programme, forums in series(history).items():
        rank = {f: r for r, f in enumerate(forums)}
        came = [p for p in history.attended() if p.forum in rank]
        person = np.array([p.contact for p in came], dtype=np.int64)
        ranks = np.array([rank[p.forum] for p in came], dtype=np.int64)
        n = len(forums)
        sizes, returned = attendance_cohorts(person, ranks, n)
        back = returning_attendees(person, ranks, n)
        attendees = np.bincount(ranks, minlength=n)
        assert sizes.sum() == len(set(person.tolist()))  # everyone is in one cohort
        assert (sizes + back == attendees).all()  # first-timers + returning = attendees
        assert (returned.sum(axis=0) == back).all()
        assert (returned <= sizes[:, None]).all()
        assert not np.tril(returned).any()  # nobody returns before they first came
        if programme is None:
            continue
        # The network's growth figures for the programme agree.
        growth = forum_growth(contact_membership(history.network_attendance(programme)))
        assert growth.first_timers.tolist() == sizes.tolist()
        assert growth.returning.tolist() == back.tolist()


targets = st.dictionaries(
    st.sampled_from(SECTORS[:-1]), st.floats(min_value=0, max_value=1), max_size=4
)


@named_cases(goal={"government": 0.15, "civil_society": 0.15, "business": 0.15})
@given(history=histories(), goal=targets)
def test_sector_balance_rows_add_up_and_gaps_are_shortfalls(history, goal):
    forums = sorted(history.forums_held(), key=lambda f: (f.date, f.id))
    by_forum = {}
    for p in history.attended():
        # The sector they represented: their organisation's, else their own.
        sector = (history.organisation_sector.get(p.organisation) or ""
                  ) or history.contact_sector[p.contact]  # fmt: skip
        counts = by_forum.setdefault(p.forum, {})
        counts[sector] = counts.get(sector, 0) + 1
    rank = {f.id: r for r, f in enumerate(forums)}
    came = [p for p in history.attended() if p.forum in rank]
    back = returning_attendees(
        np.array([p.contact for p in came], dtype=np.int64),
        np.array([rank[p.forum] for p in came], dtype=np.int64),
        len(forums),
    )
    rows = forum_balance_rows(
        [(f.id, None, f"Forum {f.id}", f.date) for f in forums], by_forum, back, goal
    )
    assert [row["forum"] for row in rows] == [f.id for f in forums]
    for row in rows:
        attendees = sum(1 for p in came if p.forum == row["forum"])
        assert row["attendees"] == sum(row["by_sector"].values()) == attendees
        assert 0 <= row["returning"] <= row["attendees"]
        if attendees:
            assert 0 <= row["returning_rate"] <= 1
            assert sum(row["shares"].values()) == pytest.approx(1.0, abs=1e-5)
        else:
            assert row["returning_rate"] is None
            assert row["shares"] == {}
        assert all(0 <= share <= 1 for share in row["shares"].values())
        for sector, gap in row["gaps"].items():
            assert 0 <= gap <= goal[sector] + 5e-7  # gaps are rounded to six decimals
            assert row["shares"].get(sector, 0) < goal[sector]
        assert row["meets_targets"] == (not row["gaps"])


@named_cases(seed=1)
@given(history=histories(), seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_the_order_of_the_rows_changes_nothing(history, seed):
    first_inputs, first = computed(history)
    second_inputs, second = computed(history.shuffled(seed))
    np.testing.assert_array_equal(first_inputs.contact_ids, second_inputs.contact_ids)
    np.testing.assert_array_equal(first_inputs.forum_ids, second_inputs.forum_ids)
    assert_same_engagement(first, second)
    np.testing.assert_array_equal(
        contact_latest_organisation(first_inputs), contact_latest_organisation(second_inputs)
    )
    a = organisation_scoring_input(first_inputs, history.as_of, PARAMETERS)
    b = organisation_scoring_input(second_inputs, history.as_of, PARAMETERS)
    for part_a, part_b in zip((a[0], a[2], a[3]), (b[0], b[2], b[3]), strict=True):
        np.testing.assert_array_equal(part_a, part_b)
    assert_same_engagement(
        engagement_figures(a[1], PARAMETERS), engagement_figures(b[1], PARAMETERS)
    )
    rows_a = sector_engagement_rows(first_inputs, first, PARAMETERS)
    rows_b = sector_engagement_rows(second_inputs, second, PARAMETERS)
    assert len(rows_a) == len(rows_b)
    for row_a, row_b in zip(rows_a, rows_b, strict=True):
        assert row_a.keys() == row_b.keys()
        for key, value in row_a.items():
            if isinstance(value, float):
                assert value == pytest.approx(row_b[key], rel=1e-12, abs=1e-12), key
            else:
                assert value == row_b[key], key


def assert_same_engagement(first, second):
    for field in dataclasses.fields(first):
        a, b = getattr(first, field.name), getattr(second, field.name)
        if field.name == "score":  # sums in another order may differ in the last bit
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
        else:
            np.testing.assert_array_equal(a, b, field.name)
