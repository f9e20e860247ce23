"""The audience: one typed value, read from its JSON form (the API's, and the one stored on
a mailing) in one place."""

import pytest
from django.core.exceptions import ValidationError

from outreach.audience import (
    AudienceError,
    ContactListAudience,
    ContactsAudience,
    ForumAudience,
    InvitationsAudience,
    LapsedAudience,
    WorkingGroupAudience,
    audience_parse,
    mailing_audience,
)
from outreach.models import Mailing

EVERY_KIND = [
    ForumAudience(forum=9, statuses=("attended",), roles=("speaker",), sectors=("media",)),
    ForumAudience(forum=9),
    WorkingGroupAudience(working_group=4, invitees=True),
    WorkingGroupAudience(working_group=4),
    ContactsAudience(contacts=(3, 1, 2)),
    ContactListAudience(contact_list=7),
    LapsedAudience(missed=5),
    LapsedAudience(),
]


@pytest.mark.parametrize("audience", EVERY_KIND, ids=repr)
def test_every_kind_reads_back_from_the_form_it_is_stored_in(audience):
    assert audience_parse(audience.stored()) == audience


def test_the_forms_stored_before_the_typed_value_still_read():
    assert audience_parse({"forum": 9, "status": ["attended"], "role": []}) == ForumAudience(
        forum=9, statuses=("attended",)
    )
    assert audience_parse({"lapsed": None}) == LapsedAudience()
    assert audience_parse({"forum": "9"}) == ForumAudience(forum=9)


def test_invitations_are_never_chosen_only_read_from_a_mailings_record():
    with pytest.raises(AudienceError):
        audience_parse({"invitations": [1, 2]})
    mailing = Mailing(audience={"invitations": [1, 2]})
    assert mailing_audience(mailing) == InvitationsAudience(invitations=(1, 2))


@pytest.mark.parametrize(
    "value",
    [
        {"forum": 9, "invitees": True},  # a field of another kind
        {"forum": 9, "status": "attended"},
        {"forum": True},
        {"forum": 9.0},
        {"contacts": []},
        {"contacts": [1, "x"]},
        {"working_group": 4, "invitees": "yes"},
        {"lapsed": {"missed": 3, "since": 2019}},
        {"lapsed": {"missed": True}},
        {"lapsed": 3},
        None,
    ],
    ids=repr,
)
def test_a_malformed_audience_is_refused_under_its_name(value):
    with pytest.raises(ValidationError) as refused:
        audience_parse(value)
    assert list(refused.value.message_dict) == ["audience"]


def test_an_audience_naming_rows_that_do_not_exist_is_refused(db):
    for audience in EVERY_KIND:
        with pytest.raises(AudienceError):
            audience.check()
