"""Attendance histories for the property-based tests of the pure network and engagement code.

A history is what the database could hold: contacts (with a sector or none), organisations,
forums of one or more programmes (or none) on any dates, participations with any status and
role, working-group memberships, and the date the figures are asked for (``as_of``). It is
turned into the plain arrays the pure code takes with the same builders the selectors use.

The strategy leans on the degenerate histories a new installation meets: nothing at all,
one person, one forum, everyone at one forum, nobody with an organisation or a sector,
everyone in one sector, groups that never meet, a forum nobody came to, only invitations
and no-shows, forums entered out of date order, and an ``as_of`` before everything.
"""

import datetime as dt
import itertools
import random
from dataclasses import dataclass, replace

from hypothesis import example
from hypothesis import strategies as st

from crm.models.choices import MembershipRole, ParticipationRole, ParticipationStatus, Sector
from engagement.attendance import Inputs, engagement_inputs
from network.graphs import Attendance, attendance_from_rows

# The database's own vocabularies: the pure code must know every value they hold.
SECTORS = [*Sector.values, ""]  # "": no sector recorded
STATUSES = list(ParticipationStatus.values)
ATTENDED = ParticipationStatus.ATTENDED.value
NOT_ATTENDED = [s for s in STATUSES if s != ATTENDED]
ROLES = list(ParticipationRole.values)
MEMBERSHIP_ROLES = list(MembershipRole.values)
EPOCH = dt.date(2017, 1, 1)


@dataclass(frozen=True)
class Forum:
    id: int
    programme: int | None
    date: dt.date


@dataclass(frozen=True)
class Participation:
    contact: int
    forum: int
    status: str
    role: str
    organisation: int | None


@dataclass(frozen=True)
class Membership:
    contact: int
    joined: dt.date
    left: dt.date | None
    role: str


@dataclass(frozen=True)
class AttendanceHistory:
    contacts: tuple[tuple[int, str], ...]  # (id, sector)
    organisations: tuple[tuple[int, str], ...]  # (id, sector)
    forums: tuple[Forum, ...]
    participations: tuple[Participation, ...]  # at most one per contact and forum
    memberships: tuple[Membership, ...]
    as_of: dt.date

    # --- what the selectors would read -----------------------------------------------------

    def forums_held(self, programme: int | None = None) -> list[Forum]:
        """Forums up to ``as_of`` (of one programme if given), in the order they were stored."""
        return [
            f
            for f in self.forums
            if f.date <= self.as_of and (programme is None or f.programme == programme)
        ]

    def participations_held(self, programme: int | None = None) -> list[Participation]:
        held = {f.id for f in self.forums_held(programme)}
        return [p for p in self.participations if p.forum in held]

    def attended(self, programme: int | None = None) -> list[Participation]:
        return [p for p in self.participations_held(programme) if p.status == ATTENDED]

    def network_attendance(self, programme: int | None = None) -> Attendance:
        """What ``network.selectors.attendance_read`` builds for this history."""
        return attendance_from_rows(
            [(f.id, f.date) for f in self.forums_held(programme)],
            [(p.contact, p.forum, p.organisation, p.role) for p in self.attended(programme)],
            contact_sector=dict(self.contacts),
            organisation_sector=dict(self.organisations),
        )

    def engagement_inputs(self) -> Inputs:
        """What ``engagement.selectors.engagement_inputs_read`` builds for this history."""
        return engagement_inputs(
            contacts=list(self.contacts),
            forums=[(f.id, f.programme, f.date) for f in self.forums_held()],
            participations=[
                (p.contact, p.forum, p.status, p.role, p.organisation)
                for p in self.participations_held()
            ],
            memberships=[
                (m.contact, m.joined, m.left, m.role)
                for m in self.memberships
                if m.joined <= self.as_of
            ],
        )

    # --- handy views for the assertions ----------------------------------------------------

    @property
    def contact_sector(self) -> dict[int, str]:
        return dict(self.contacts)

    @property
    def organisation_sector(self) -> dict[int, str]:
        return dict(self.organisations)

    def forum_date(self, forum_id: int) -> dt.date:
        return next(f.date for f in self.forums if f.id == forum_id)

    def shuffled(self, seed: int) -> "AttendanceHistory":
        """The same history with every list in another order (as a database may return it)."""
        rng = random.Random(seed)

        def mixed(items):
            items = list(items)
            rng.shuffle(items)
            return tuple(items)

        return replace(
            self,
            contacts=mixed(self.contacts),
            organisations=mixed(self.organisations),
            forums=mixed(self.forums),
            participations=mixed(self.participations),
            memberships=mixed(self.memberships),
        )


def day(offset: int) -> dt.date:
    return EPOCH + dt.timedelta(days=offset)


# --- the strategy ------------------------------------------------------------------------------


def distinct_ids(count: int) -> st.SearchStrategy[list[int]]:
    """``count`` different ids, increasing, with gaps (ids are never row numbers)."""
    gaps = st.lists(st.integers(min_value=1, max_value=60), min_size=count, max_size=count)
    return gaps.map(lambda steps: list(itertools.accumulate(steps)))


# Forums fall on a coarse grid so that two forums on the same day come up often.
forum_days = st.integers(min_value=0, max_value=40).map(lambda k: 30 * k)


@st.composite
def attendance_histories(
    draw,
    *,
    min_contacts: int = 0,
    max_contacts: int = 9,
    min_forums: int = 0,
    max_forums: int = 6,
    sectors: str = "any",  # "any", "none" or "one"
    organisations: bool = True,
    statuses: list[str] | None = None,  # allowed statuses; default any, attended favoured
    groups: int = 1,  # > 1: contacts in groups that never share a forum
    everyone_at_one_forum: bool = False,
    as_of: str = "anywhere",  # "anywhere" or "before" (every forum)
) -> AttendanceHistory:
    # Sizes are drawn first: lists left to themselves come out short, and small graphs dull.
    contact_ids = draw(
        st.integers(min_value=min_contacts, max_value=max_contacts).flatmap(distinct_ids)
    )
    if sectors == "any":
        contact_sectors = draw(
            st.lists(st.sampled_from(SECTORS), min_size=len(contact_ids), max_size=len(contact_ids))
        )
    elif sectors == "one":
        contact_sectors = [draw(st.sampled_from(Sector.values))] * len(contact_ids)
    else:
        contact_sectors = [""] * len(contact_ids)
    organisation_ids = draw(st.integers(0, 4).flatmap(distinct_ids)) if organisations else []
    organisation_sectors = [
        "" if sectors == "none" else draw(st.sampled_from(SECTORS)) for _ in organisation_ids
    ]
    programme_ids = draw(st.integers(0, 3).flatmap(distinct_ids))
    # Ids and dates are drawn independently: forums are entered in any order of their dates.
    forum_ids = draw(st.integers(min_value=max(min_forums, everyone_at_one_forum),
                                 max_value=max(max_forums, everyone_at_one_forum)
                                 ).flatmap(distinct_ids))  # fmt: skip
    forums = tuple(
        Forum(
            id=forum_id,
            programme=draw(st.sampled_from([None, *programme_ids])),
            date=day(draw(forum_days)),
        )
        for forum_id in forum_ids
    )
    group_of = {c: i % groups for i, c in enumerate(contact_ids)}
    status_choice = (
        st.sampled_from(statuses)
        if statuses is not None
        else st.one_of(st.just(ATTENDED), st.sampled_from(STATUSES))
    )
    organisation_choice = st.sampled_from([None, *organisation_ids])
    participations = []
    for index, forum in enumerate(forums):
        if everyone_at_one_forum and index == 0:
            people = contact_ids
        else:
            # Each person of the forum's group is on its list about two times in three.
            group = [c for c in contact_ids if group_of[c] == index % groups]
            listed = draw(st.lists(st.integers(0, 2), min_size=len(group), max_size=len(group)))
            people = [c for c, on_list in zip(group, listed, strict=True) if on_list]
        for contact in people:
            status = ATTENDED if everyone_at_one_forum and index == 0 else draw(status_choice)
            participations.append(
                Participation(
                    contact=contact,
                    forum=forum.id,
                    status=status,
                    role=draw(st.sampled_from(ROLES)),
                    organisation=draw(organisation_choice),
                )
            )
    memberships = []
    if contact_ids:
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            joined = draw(forum_days)
            stays = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=800)))
            memberships.append(
                Membership(
                    contact=draw(st.sampled_from(contact_ids)),
                    joined=day(joined),
                    left=None if stays is None else day(joined + stays),
                    role=draw(st.sampled_from(MEMBERSHIP_ROLES)),
                )
            )
    days = sorted((f.date - EPOCH).days for f in forums)
    if as_of == "before" and days:
        as_of_day = days[0] - draw(st.integers(min_value=1, max_value=400))
    else:
        # After every forum, exactly on a forum's date (the period includes the forums of
        # its last day), or anywhere.
        as_of_day = draw(
            st.one_of(
                st.just(days[-1] if days else 0),
                *([st.sampled_from(days)] if days else []),
                st.integers(min_value=(days or [0])[0] - 60, max_value=(days or [0])[-1] + 60),
            )
        )  # fmt: skip
    return AttendanceHistory(
        contacts=tuple(zip(contact_ids, contact_sectors, strict=True)),
        organisations=tuple(zip(organisation_ids, organisation_sectors, strict=True)),
        forums=forums,
        participations=tuple(participations),
        memberships=tuple(memberships),
        as_of=day(as_of_day),
    )


def histories(max_contacts: int = 12) -> st.SearchStrategy[AttendanceHistory]:
    """Any history, about half of the time one of the degenerate kinds."""
    n = max_contacts
    some = {"min_contacts": 2, "max_contacts": n, "min_forums": 2}
    larger = attendance_histories(min_contacts=5, max_contacts=n, min_forums=3, max_forums=8)
    return st.one_of(
        larger,
        larger,  # listed three times: drawn three times as often
        larger,
        attendance_histories(**some),
        attendance_histories(**some, max_forums=8),
        attendance_histories(max_contacts=n),
        attendance_histories(max_contacts=0),
        attendance_histories(max_contacts=n, max_forums=0),
        attendance_histories(min_contacts=1, max_contacts=1, min_forums=1),
        attendance_histories(**(some | {"min_forums": 1}), max_forums=1),
        attendance_histories(**some, everyone_at_one_forum=True),
        attendance_histories(**some, sectors="none", organisations=False),
        attendance_histories(**some, sectors="one"),
        attendance_histories(**some, groups=2),
        attendance_histories(**some, groups=3, max_forums=8),
        attendance_histories(**some, statuses=NOT_ATTENDED),
        attendance_histories(**some, statuses=[ATTENDED]),
        attendance_histories(**some, as_of="before"),
    )


# --- the named degenerate cases, run by every property test as explicit examples ---------------


def _history(contacts=(), organisations=(), forums=(), participations=(), memberships=(),
             as_of=1000) -> AttendanceHistory:  # fmt: skip
    """Compact literals: forums (id, programme, day); participations (contact, forum[,
    status[, role[, organisation]]])."""
    return AttendanceHistory(
        contacts=tuple(contacts),
        organisations=tuple(organisations),
        forums=tuple(Forum(i, p, day(d)) for i, p, d in forums),
        participations=tuple(
            Participation(*(r + (ATTENDED, "participant", None)[len(r) - 2 :])[:5])
            for r in participations
        ),
        memberships=tuple(memberships),
        as_of=day(as_of),
    )


_PEOPLE = [(11, "government"), (12, "civil_society"), (13, "business"), (14, ""), (15, "media")]
_FORUMS = [(7, 1, 300), (3, 1, 0), (5, 1, 90), (2, 1, 600)]  # ids not in date order

NAMED_CASES = {
    "nothing at all": _history(),
    "people but no forum": _history(contacts=_PEOPLE),
    "forums but nobody": _history(forums=_FORUMS),
    "one person at one forum": _history(
        contacts=[(11, "government")], forums=[(1, None, 0)], participations=[(11, 1)]
    ),
    "one person, two programmes": _history(
        contacts=[(11, "")],
        forums=[(1, 1, 0), (2, 2, 30), (3, 1, 60)],
        participations=[(11, 1), (11, 2, ATTENDED, "speaker", 40), (11, 3)],
        organisations=[(40, "business")],
    ),
    "everyone at one forum": _history(
        contacts=_PEOPLE, forums=[(1, 1, 0)], participations=[(c, 1) for c, _ in _PEOPLE]
    ),
    "no sectors, no organisations": _history(
        contacts=[(c, "") for c, _ in _PEOPLE],
        forums=_FORUMS,
        participations=[(11, 3), (12, 3), (12, 5), (13, 5), (14, 7), (11, 2), (15, 2)],
    ),
    "everyone in one sector": _history(
        contacts=[(c, "academia") for c, _ in _PEOPLE],
        forums=_FORUMS,
        organisations=[(40, "academia")],
        participations=[(11, 3, ATTENDED, "speaker", 40), (12, 3), (12, 5), (13, 5), (14, 7)],
    ),
    "two groups that never meet": _history(
        contacts=_PEOPLE,
        forums=_FORUMS,
        organisations=[(40, "business"), (41, "")],
        participations=[
            (11, 3, ATTENDED, "participant", 40),
            (12, 3),
            (11, 7),
            (12, 7),
            (13, 5, ATTENDED, "moderator", 41),
            (14, 5),
            (15, 5),
            (14, 2),
        ],
    ),
    "a forum nobody came to": _history(
        contacts=_PEOPLE,
        forums=_FORUMS,
        participations=[
            (11, 3),
            (12, 3),
            (11, 7),
            (13, 7),
            (11, 5, "no_show"),
            (12, 5, "cancelled"),
        ],
    ),
    "only invitations and no-shows": _history(
        contacts=_PEOPLE,
        forums=_FORUMS,
        participations=[
            (c, f, status)
            for c, _ in _PEOPLE
            for (f, _, _), status in zip(_FORUMS, NOT_ATTENDED, strict=False)
        ],
        memberships=[Membership(11, day(0), None, "chair")],
    ),
    "as_of before every forum": _history(
        contacts=_PEOPLE,
        forums=_FORUMS,
        as_of=-1,
        participations=[(11, 3), (12, 3), (13, 5), (11, 2)],
        memberships=[Membership(11, day(0), None, "member")],
    ),
    "as_of on a forum's date": _history(
        contacts=_PEOPLE,
        forums=_FORUMS,
        as_of=300,
        participations=[(11, 3), (12, 3), (13, 5), (11, 7), (12, 7), (13, 2)],
    ),
    "two forums on one day, ids reversed": _history(
        contacts=_PEOPLE,
        forums=[(9, 1, 0), (4, 1, 0), (6, None, 30)],
        participations=[(11, 9), (12, 9), (12, 4), (13, 4), (13, 6), (11, 6)],
    ),
    "two people of equal weight for one organisation": _history(
        contacts=_PEOPLE,
        organisations=[(40, "government")],
        forums=[(1, 1, 0), (2, 1, 30)],
        participations=[
            (12, 1, ATTENDED, "moderator", 40),
            (11, 1, ATTENDED, "speaker", 40),
            (13, 2, "invited", "organiser", 40),
            (14, 2, ATTENDED, "partner", 40),
        ],
    ),
    "lapsed regular": _history(
        contacts=_PEOPLE,
        forums=[(i, 1, 30 * i) for i in range(1, 8)],
        participations=[(11, 1), (11, 2), (11, 3), *[(12, i) for i in range(1, 8)]],
    ),
}


def named_cases(**other_arguments):
    """Run a property test on every named case first (``history=...`` plus the test's other
    arguments, fixed)."""

    def decorate(test):
        for case in NAMED_CASES.values():
            test = example(history=case, **other_arguments)(test)
        return test

    return decorate
