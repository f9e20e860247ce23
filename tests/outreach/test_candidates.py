"""Working-group candidates: who came to the forum where the group was born, less those
already in the group or waiting to answer an invitation."""

import pytest

from outreach.candidates import working_group_candidates
from outreach.models import Invitation, InvitationStatus
from tests.factories import (
    ContactFactory,
    ForumFactory,
    MembershipFactory,
    ParticipationFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db


def test_attendees_of_the_origin_forum_are_suggested_except_members_and_pending_invitees():
    forum = ForumFactory()
    group = WorkingGroupFactory(origin_forum=forum)
    member, waiting, declined, fresh = (ContactFactory() for _ in range(4))
    for contact in (member, waiting, declined, fresh):
        ParticipationFactory(forum=forum, contact=contact)
    MembershipFactory(working_group=group, contact=member)
    Invitation.objects.create(working_group=group, contact=waiting)
    Invitation.objects.create(
        working_group=group, contact=declined, status=InvitationStatus.DECLINED
    )
    suggested = {c.contact for c in working_group_candidates(group)}
    assert suggested == {declined, fresh}
    assert all(c.reasons for c in working_group_candidates(group))
