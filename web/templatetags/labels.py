"""Labels for stored codes, so pages never show a raw status."""

from django import template

from crm.models import Sector, choices
from crm.models.choices import UNKNOWN_SECTOR, UNKNOWN_SECTOR_NAME
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
def sector_label(code: str) -> str:
    """The translated name of a sector ("business" → "Business"), the unknown one included
    (blank, or its name where sectors are listed as words), as crm.models.choices says it."""
    if code in (UNKNOWN_SECTOR, UNKNOWN_SECTOR_NAME):
        return choices.sector_label(UNKNOWN_SECTOR)
    return choices.sector_label(code) if code in Sector.values else code


@register.filter
def suppression_reason(code: str) -> str:
    """Why a message was not sent, translated ("no_consent" → "No consent for this purpose")."""
    try:
        return SuppressionReason(code).label
    except ValueError:
        return code
