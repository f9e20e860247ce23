"""Labels for stored codes, so pages never show a raw status."""

from django import template

from outreach.models import OutboxStatus, SuppressionReason

register = template.Library()


@register.filter
def outbox_status(code: str) -> str:
    """The translated label of an outbox status ("sent" → "Sent")."""
    try:
        return OutboxStatus(code).label
    except ValueError:
        return code


@register.filter
def suppression_reason(code: str) -> str:
    """Why a message was not sent, translated ("no_consent" → "No consent for this purpose")."""
    try:
        return SuppressionReason(code).label
    except ValueError:
        return code
