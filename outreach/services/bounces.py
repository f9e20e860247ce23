"""Hard bounces and complaints, counted per address: enough of them put it on hold."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import EmailHold


def bounce_record(email: str, *, complaint: bool = False) -> EmailHold:
    """Count a hard bounce (or complaint); enough of them put the address on hold."""
    with transaction.atomic():
        # Locked: two senders' bounces for one address must both count.
        hold, _created = EmailHold.objects.select_for_update().get_or_create(email=email)
        if complaint:
            hold.complaints += 1
            hold.held = True
        else:
            hold.hard_bounces += 1
            hold.held = hold.held or hold.hard_bounces >= settings.OUTREACH_HOLD_AFTER_BOUNCES
        hold.last_event = timezone.now()
        hold.save()
    return hold
