"""Working-group invitations: invite, answer by signed link, remind once."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from crm.models import ConsentPurpose, Contact, WorkingGroup, WorkingGroupMembership
from crm.services.working_groups import membership_create

from ..audience import InvitationsAudience
from ..models import Invitation, InvitationStatus, Mailing, MessageTemplate
from ..tokens import invitation_read
from .mailings import mailing_create, mailing_start


@transaction.atomic
def invitations_send(
    *,
    working_group: WorkingGroup,
    contacts: Iterable[Contact],
    template: MessageTemplate,
    invited_by=None,
) -> tuple[Mailing | None, list[Invitation], dict[int, str]]:
    """Invite contacts (one or a list) and send the invitations as one mailing.

    Current members and people with an invitation waiting are skipped, with the reason.
    Returns the mailing, the new invitations and {contact id: reason skipped}.
    """
    if template.purpose != ConsentPurpose.WORKING_GROUP:
        raise ValidationError({"template": _("Choose a working-group template.")})
    contacts = list(contacts)
    ids = [c.pk for c in contacts]
    members = set(
        WorkingGroupMembership.objects.filter(
            working_group=working_group, contact_id__in=ids, left_on__isnull=True
        ).values_list("contact_id", flat=True)
    )
    waiting = set(
        Invitation.objects.filter(
            working_group=working_group, contact_id__in=ids, status=InvitationStatus.PENDING
        ).values_list("contact_id", flat=True)
    )
    skipped = dict.fromkeys(members, "member") | dict.fromkeys(waiting, "already invited")
    invitations = bulk_create_with_history(
        [
            Invitation(working_group=working_group, contact=c, invited_by=invited_by)
            for c in contacts
            if c.pk not in skipped
        ],
        Invitation,
        default_user=invited_by,
    )
    if not invitations:
        return None, [], skipped
    mailing = mailing_create(
        name=_("Invitation: %(group)s") % {"group": working_group.title},
        purpose=ConsentPurpose.WORKING_GROUP,
        template=template,
        audience=InvitationsAudience(invitations=tuple(i.pk for i in invitations)),
        working_group=working_group,
        created_by=invited_by,
    )
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(mailing=mailing)
    mailing_start(mailing=mailing)
    return mailing, invitations, skipped


@transaction.atomic
def invitation_answer(*, token: str, confirm: bool) -> tuple[Invitation, str]:
    """Read a signed answer link; with ``confirm`` record the answer (accepting makes the
    contact a member). Raises BadToken for forged or expired links."""
    data = invitation_read(token)
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("working_group", "contact")
        .filter(pk=data["i"])
        .first()
    )
    if invitation is None:
        from ..tokens import BadToken

        raise BadToken
    answer = data["a"]
    if not confirm or invitation.status != InvitationStatus.PENDING:
        return invitation, answer
    invitation.status = (
        InvitationStatus.ACCEPTED if answer == "accept" else InvitationStatus.DECLINED
    )
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    if (
        answer == "accept"
        and not WorkingGroupMembership.objects.filter(
            working_group=invitation.working_group, contact=invitation.contact, left_on__isnull=True
        ).exists()
    ):
        membership_create(working_group=invitation.working_group, contact=invitation.contact)
    return invitation, answer


def invitation_reminders_due() -> list[int]:
    """Remind, once, those who have not answered after OUTREACH_REMINDER_DAYS days.

    Invitations are locked and get their reminder mailing in one transaction per working
    group, so a second run (or a restarted scheduler) finds them reminded.
    """
    cutoff = timezone.now() - datetime.timedelta(days=settings.OUTREACH_REMINDER_DAYS)
    due = (
        Invitation.objects.filter(
            status=InvitationStatus.PENDING,
            reminder_mailing__isnull=True,
            mailing__started__lte=cutoff,
        )
        .values_list("working_group_id", "mailing__template_id")
        .distinct()
    )
    started = []
    for group_id, template_id in due:
        with transaction.atomic():
            invitations = list(
                Invitation.objects.select_for_update()
                .filter(
                    working_group_id=group_id,
                    mailing__template_id=template_id,
                    status=InvitationStatus.PENDING,
                    reminder_mailing__isnull=True,
                    mailing__started__lte=cutoff,
                )
                .select_related("working_group")
            )
            if not invitations:
                continue
            group = invitations[0].working_group
            mailing = mailing_create(
                name=_("Reminder: %(group)s") % {"group": group.title},
                purpose=ConsentPurpose.WORKING_GROUP,
                template=MessageTemplate.objects.get(pk=template_id),
                audience=InvitationsAudience(invitations=tuple(i.pk for i in invitations)),
                working_group=group,
            )
            Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(
                reminder_mailing=mailing
            )
            mailing_start(mailing=mailing)
            started.append(mailing.pk)
    return started
