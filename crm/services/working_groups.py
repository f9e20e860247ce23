import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import model_create, model_update, values_known
from crm.models import Contact, MembershipRole, WorkingGroup, WorkingGroupMembership

WORKING_GROUP_FIELDS = ("title", "theme", "description", "programme", "origin_forum", "status")
MEMBERSHIP_FIELDS = ("role", "joined_on", "left_on")


@transaction.atomic
def working_group_create(**values) -> WorkingGroup:
    values = values_known("working_group_create", values, WORKING_GROUP_FIELDS)
    # A group born at a forum belongs to that forum's programme unless told otherwise.
    if values.get("origin_forum") is not None and values.get("programme") is None:
        values["programme"] = values["origin_forum"].programme
    return model_create(WorkingGroup, **values)


@transaction.atomic
def working_group_update(*, working_group: WorkingGroup, data: dict) -> WorkingGroup:
    return model_update(instance=working_group, data=data, fields=WORKING_GROUP_FIELDS)[0]


@transaction.atomic
def membership_create(
    *,
    working_group: WorkingGroup,
    contact: Contact,
    role: str = MembershipRole.MEMBER,
    joined_on: datetime.date | None = None,
    left_on: datetime.date | None = None,
) -> WorkingGroupMembership:
    return model_create(
        WorkingGroupMembership,
        working_group=working_group,
        contact=contact,
        role=role,
        joined_on=joined_on or timezone.localdate(),
        left_on=left_on,
    )


@transaction.atomic
def membership_update(*, membership: WorkingGroupMembership, data: dict) -> WorkingGroupMembership:
    for fixed in ("working_group", "contact"):
        if fixed in data and data[fixed].pk != getattr(membership, f"{fixed}_id"):
            raise ValidationError({fixed: _("A membership cannot move; record a new one.")})
    data = {name: value for name, value in data.items() if name not in ("working_group", "contact")}
    return model_update(instance=membership, data=data, fields=MEMBERSHIP_FIELDS)[0]


@transaction.atomic
def working_group_delete(*, working_group: WorkingGroup) -> None:
    """Remove a working group entered by mistake. Memberships and invitations would go with
    it (the database cascades), so a group that has any is refused as in use: a group that
    ran is closed (status), not deleted."""
    members = list(working_group.memberships.all()[:1])
    invitations = list(working_group.invitations.all()[:1])
    if members or invitations:
        raise ProtectedError("The working group is in use.", {*members, *invitations})
    working_group.delete()


@transaction.atomic
def membership_end(
    *, membership: WorkingGroupMembership, left_on: datetime.date | None = None
) -> WorkingGroupMembership:
    """Record that a member left (today by default); the membership stays in the history."""
    if membership.left_on is not None:
        raise ValidationError({"left_on": _("This membership has already ended.")})
    return membership_update(
        membership=membership, data={"left_on": left_on or timezone.localdate()}
    )
