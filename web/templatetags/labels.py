"""Labels for stored codes, so pages never show a raw status."""

from django import template

from outreach.models import OutboxStatus

register = template.Library()


@register.filter
def outbox_status(code: str) -> str:
    """The translated label of an outbox status ("sent" → "Sent")."""
    try:
        return OutboxStatus(code).label
    except ValueError:
        return code
