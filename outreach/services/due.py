"""What comes due by the clock, started every minute by beat."""

from .invitations import invitation_reminders_due
from .mailings import follow_ups_due, mailings_due


def outreach_due() -> dict[str, list[int]]:
    """Start the scheduled mailings, forum follow-ups and invitation reminders now due."""
    return {
        "mailings": mailings_due(),
        "follow_ups": follow_ups_due(),
        "reminders": invitation_reminders_due(),
    }
