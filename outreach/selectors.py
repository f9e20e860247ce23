"""Reads of the outreach records shared by the API, the pages and the services."""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from core.names import name_search
from crm.models import ConsentPurpose, Contact, Forum, Language, WorkingGroup
from crm.models.choices import ParticipationStatus

from .audience import Audience
from .exclusions import exclusion_facts_read, exclusion_reason
from .models import (
    FollowUp,
    Invitation,
    Mailing,
    MailingStatus,
    MessageTemplate,
    OutboxMessage,
    OutboxStatus,
    SuppressionReason,
)


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


def mailings_with_progress(mailings: Iterable[Mailing]) -> list[Mailing]:
    """The mailings with their outbox counts by status (``counts``), their size (``total``)
    and how much of it is settled (``percent``), in one grouped query for all of them."""
    mailings = list(mailings)
    progress = outbox_counts(m.pk for m in mailings)
    for mailing in mailings:
        mailing.counts = progress[mailing.pk]
        mailing.total = sum(mailing.counts.values())
        waiting = mailing.counts[OutboxStatus.QUEUED] + mailing.counts[OutboxStatus.SENDING]
        settled = mailing.total - waiting
        mailing.percent = round(100 * settled / mailing.total) if mailing.total else 0
    return mailings


def mailing_queryset() -> QuerySet[Mailing]:
    """Mailings with what their list and page show, newest first."""
    return Mailing.objects.select_related("template", "forum", "working_group").order_by("-created")


def mailings_in_progress(*, limit: int = 10) -> list[Mailing]:
    active = [MailingStatus.SCHEDULED, MailingStatus.SENDING]
    return mailings_with_progress(mailing_queryset().filter(status__in=active)[:limit])


def outbox_rows(mailing: Mailing, *, status: str | None = None) -> QuerySet[OutboxMessage]:
    """A mailing's outbox, one row per recipient in the order it was frozen; ``status``
    narrows it to one outbox status (an unknown one selects nobody)."""
    rows = OutboxMessage.objects.filter(mailing=mailing).select_related("contact")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("id")


def contact_emails(contact_id: int, *, limit: int = 50) -> list[OutboxMessage]:
    """The latest messages to a contact, with their mailing."""
    rows = OutboxMessage.objects.filter(contact_id=contact_id).select_related("mailing")
    return list(rows.order_by("-id")[:limit])


def _with_delivery(invitations: QuerySet[Invitation]) -> QuerySet[Invitation]:
    """Each invitation with what became of its e-mail (``delivery`` an outbox status,
    ``delivery_reason`` why it was not sent): an invitation is recorded for everyone
    invited, but someone without consent or with a held address never received it."""
    message = OutboxMessage.objects.filter(
        invitation_id=OuterRef("pk"), mailing_id=OuterRef("mailing_id")
    ).order_by("-pk")
    return invitations.annotate(
        delivery=Subquery(message.values("status")[:1]),
        delivery_reason=Subquery(message.values("reason")[:1]),
    )


def contact_invitations(contact_id: int) -> list[Invitation]:
    rows = Invitation.objects.filter(contact_id=contact_id).select_related("working_group")
    return list(_with_delivery(rows).order_by("-created"))


def working_group_invitations(working_group_id: int) -> list[Invitation]:
    rows = Invitation.objects.filter(working_group_id=working_group_id).select_related("contact")
    return list(_with_delivery(rows).order_by("-created"))


def invitation_templates() -> QuerySet[MessageTemplate]:
    """The templates a working-group invitation can be sent with."""
    return MessageTemplate.objects.filter(purpose=ConsentPurpose.WORKING_GROUP).order_by("name")


def follow_up_templates() -> QuerySet[MessageTemplate]:
    """The templates a forum's follow-up can be sent with (forum updates)."""
    return MessageTemplate.objects.filter(purpose=ConsentPurpose.FORUM_UPDATES).order_by("name")


def forum_follow_up(forum_id: int) -> tuple[FollowUp | None, dict[str, int] | None]:
    """A forum's follow-up mailing, if planned, and its outbox by status once it exists."""
    follow_up = (
        FollowUp.objects.filter(forum_id=forum_id).select_related("mailing", "template").first()
    )
    if follow_up is None or not follow_up.mailing_id:
        return follow_up, None
    return follow_up, outbox_counts([follow_up.mailing_id])[follow_up.mailing_id]


def mailing_ids_with_due_messages() -> list[int]:
    """Sending mailings with messages a worker could send now, each once."""
    return list(
        OutboxMessage.objects.filter(
            status=OutboxStatus.QUEUED, mailing__status=MailingStatus.SENDING
        )
        # Rows waiting for a retry's backoff are not due: the task that deferred them comes
        # back for them itself.
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=timezone.now()))
        .order_by()  # without the model's ordering, or DISTINCT would be per row
        .values_list("mailing_id", flat=True)
        .distinct()
    )


# --- recipients before sending --------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    contact_id: int
    name: str
    email: str
    language: str
    reason: str  # a SuppressionReason, "" when the message will be sent

    @property
    def reason_label(self) -> str:
        return SuppressionReason(self.reason).label if self.reason else ""


def recipient_list(*, audience: Audience, purpose: str) -> list[Recipient]:
    """Everyone the audience selects, by id, with the reason for leaving anyone out
    (``outreach.exclusions``, or an address already taken by an earlier recipient).
    Four queries whatever the size."""
    ids = audience.contact_ids()
    contacts = list(
        Contact.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "given_name", "family_name", "email", "language")
    )
    facts = exclusion_facts_read(contact_ids=ids, emails=(c[3] for c in contacts))
    seen: set[str] = set()
    result = []
    for pk, given, family, email, language in contacts:
        reason = exclusion_reason(facts, contact_id=pk, email=email, purpose=purpose)
        if reason is None and canonical_address(email) in seen:
            reason = SuppressionReason.DUPLICATE
        if email:
            seen.add(canonical_address(email))
        result.append(
            Recipient(
                contact_id=pk,
                name=" ".join(p for p in (given, family) if p),
                email=email or "",
                language=language or Language.RUSSIAN,
                reason=str(reason or ""),
            )
        )
    return result


def canonical_address(email: str) -> str:
    """The mailbox an address delivers to: "+tags" dropped, and dots too for Gmail, so
    that a.kasymova+forum@gmail.com and akasymova@gmail.com count as one recipient."""
    local, _at, domain = email.lower().partition("@")
    local = local.split("+", 1)[0]
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


@dataclass(frozen=True)
class RecipientSummary:
    will_receive: int
    left_out: list[tuple[SuppressionReason, int]]  # by reason, the most common first

    def counts(self) -> dict[str, int]:
        """{"will_receive": n, reason: n, ...}, as the API answers it."""
        return {"will_receive": self.will_receive} | {
            reason.value: n for reason, n in self.left_out
        }


def recipient_summary(recipients: Sequence[Recipient]) -> RecipientSummary:
    """How many will receive the mailing, and how many are left out for each reason."""
    left_out = Counter(r.reason for r in recipients if r.reason)
    return RecipientSummary(
        will_receive=len(recipients) - left_out.total(),
        left_out=[(SuppressionReason(reason), n) for reason, n in left_out.most_common()],
    )


# --- templates ------------------------------------------------------------------------------


def template_queryset() -> QuerySet[MessageTemplate]:
    """Templates with their language versions, by name."""
    return MessageTemplate.objects.prefetch_related("translations").order_by("name")


def preview_recipients(*, search: str, languages: Iterable[str]) -> dict[str, Contact]:
    """A real contact to preview each language for: the first whose name or address
    matches ``search`` for every language, else, per language, the first contact with an
    address who reads it (anyone with an address if nobody does). One query a language."""
    with_email = Contact.objects.exclude(email__isnull=True).exclude(email="").order_by("pk")
    if search.strip():
        found = name_search(
            Contact.objects.order_by("pk"), search, also=Q(email__iexact=search.strip())
        ).first()
        return dict.fromkeys(languages, found) if found else {}
    chosen = {}
    for language in languages:
        contact = with_email.filter(language=language).first() or with_email.first()
        if contact is not None:
            chosen[language] = contact
    return chosen


def preview_subjects(*, contact: Contact, purpose: str, working_group_id: int | None = None):
    """What a previewed message is about, as a real one would be: for an invitation a
    working group (the one given, else the newest), for forum updates the last forum the
    contact attended (else the latest held)."""
    if purpose == ConsentPurpose.WORKING_GROUP:
        groups = WorkingGroup.objects.order_by("-pk")
        if working_group_id:
            groups = groups.filter(pk=working_group_id)
        return None, groups.first()
    forums = Forum.objects.filter(date__lte=timezone.localdate()).order_by("-date", "-pk")
    attended = forums.filter(
        participations__contact=contact, participations__status=ParticipationStatus.ATTENDED
    ).first()
    return attended or forums.first(), None
