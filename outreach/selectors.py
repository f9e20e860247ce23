"""Reads of the outreach records shared by the API and the pages."""

from collections.abc import Iterable

from django.db.models import Count, QuerySet

from crm.models import ConsentPurpose

from .models import FollowUp, Invitation, MessageTemplate, OutboxMessage, OutboxStatus


def outbox_counts(mailing_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Outbox rows by status for each mailing (every status present, zero if none), in one
    grouped query."""
    ids = list(mailing_ids)
    counts = {pk: dict.fromkeys(OutboxStatus.values, 0) for pk in ids}
    rows = (
        OutboxMessage.objects.filter(mailing_id__in=ids)
        .values_list("mailing_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for mailing_id, status, n in rows:
        counts[mailing_id][status] = n
    return counts


def contact_emails(contact_id: int, *, limit: int = 50) -> list[OutboxMessage]:
    """The latest messages to a contact, with their mailing."""
    rows = OutboxMessage.objects.filter(contact_id=contact_id).select_related("mailing")
    return list(rows.order_by("-id")[:limit])


def contact_invitations(contact_id: int) -> list[Invitation]:
    rows = Invitation.objects.filter(contact_id=contact_id).select_related("working_group")
    return list(rows.order_by("-created"))


def working_group_invitations(working_group_id: int) -> list[Invitation]:
    rows = Invitation.objects.filter(working_group_id=working_group_id).select_related("contact")
    return list(rows.order_by("-created"))


def invitation_templates() -> QuerySet[MessageTemplate]:
    """The templates a working-group invitation can be sent with."""
    return MessageTemplate.objects.filter(purpose=ConsentPurpose.WORKING_GROUP).order_by("name")


def forum_follow_up(forum_id: int) -> tuple[FollowUp | None, dict[str, int] | None]:
    """A forum's follow-up mailing, if planned, and its outbox by status once it exists."""
    follow_up = (
        FollowUp.objects.filter(forum_id=forum_id).select_related("mailing", "template").first()
    )
    if follow_up is None or not follow_up.mailing_id:
        return follow_up, None
    return follow_up, outbox_counts([follow_up.mailing_id])[follow_up.mailing_id]
