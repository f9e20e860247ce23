"""Arrays from the database rows, and organisations as actors, on small hand-built cases."""

import datetime as dt

import pytest

from engagement.attendance import engagement_inputs, organisation_scoring_input
from engagement.scoring import PARTICIPATION_ROLES, EngagementParameters, engagement_figures

DAY = dt.date(2019, 5, 1)


def inputs(participations):
    return engagement_inputs(
        contacts=[(1, "government"), (2, "business")],
        forums=[(10, None, DAY)],
        participations=participations,
        memberships=[],
    )


@pytest.mark.parametrize("order", [1, -1])
def test_an_organisation_sent_two_people_of_equal_weight_counts_the_same_role_in_any_order(
    order,
):
    # Found by the property tests: a speaker and a moderator (both weight 2) for one
    # organisation at one forum; which role it got depended on the order of the rows.
    rows = [(1, 10, "attended", "speaker", 40), (2, 10, "attended", "moderator", 40)][::order]
    ids, actors, people, _ = organisation_scoring_input(inputs(rows), DAY, EngagementParameters())
    result = engagement_figures(actors, EngagementParameters())
    assert ids.tolist() == [40]
    assert result.role_counts[0].tolist() == [int(r == "speaker") for r in PARTICIPATION_ROLES]
    assert people.tolist() == [2]
