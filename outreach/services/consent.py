"""Opting out by link, and what bounces and complaints do to consent and addresses."""

from django.db import transaction

from crm.models import Consent, ConsentPurpose, ConsentSource, Contact
from crm.services.consent import consent_record

from ..models import OutboxMessage, OutboxStatus
from ..tokens import BadToken, unsubscribe_read
from .bounces import bounce_record


def unsubscribe_preview(*, token: str) -> tuple[Contact, str]:
    data = unsubscribe_read(token)
    contact = Contact.objects.filter(pk=data["c"]).first()
    if contact is None or data["p"] not in ConsentPurpose.values:
        raise BadToken
    return contact, data["p"]


@transaction.atomic
def unsubscribe(*, token: str) -> tuple[Contact, str]:
    """Record the withdrawal the signed link stands for (once: repeated clicks add nothing)."""
    contact, purpose = unsubscribe_preview(token=token)
    latest = (
        Consent.objects.filter(contact=contact, purpose=purpose)
        .order_by("-recorded_at", "-id")
        .values_list("granted", flat=True)
        .first()
    )
    if latest is not False:
        consent_record(
            contact=contact,
            purpose=purpose,
            granted=False,
            source=ConsentSource.LINK,
            note="One-click unsubscribe from an e-mail.",
        )
    return contact, purpose


@transaction.atomic
def delivery_event_record(*, email: str, kind: str, message_id: str = "", detail: str = "") -> None:
    """A provider's report about a message: a hard bounce or a complaint.

    Bounces count towards holding the address; a complaint holds it at once and is taken
    as a withdrawal of every consent the contact gave.
    """
    rows = OutboxMessage.objects.filter(email__iexact=email)
    if message_id:
        rows = rows.filter(message_id=message_id)
    rows.filter(status__in=[OutboxStatus.SENT, OutboxStatus.SENDING]).update(
        status=OutboxStatus.BOUNCED, last_error=f"{kind}: {detail}"[:1000]
    )
    bounce_record(email, complaint=kind == "complained")
    if kind == "complained":
        contact = Contact.objects.filter(email__iexact=email).first()
        if contact is not None:
            for purpose in ConsentPurpose.values:
                consent_record(
                    contact=contact,
                    purpose=purpose,
                    granted=False,
                    source=ConsentSource.COMPLAINT,
                    note=detail[:500],
                )
