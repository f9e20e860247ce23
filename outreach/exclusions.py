"""Why someone is not written to: one answer for the recipients shown before sending, the
outbox frozen when sending starts, and the check again just before each message goes (an
opt-out or a hold may arrive in between)."""

from collections.abc import Iterable
from dataclasses import dataclass

from crm.selectors.consent import consent_states

from .models import EmailHold, SuppressionReason


@dataclass(frozen=True)
class ExclusionFacts:
    """What the reasons are read from, for a batch of contacts and addresses."""

    consent: dict[int, dict[str, bool | None]]  # crm.selectors.consent.consent_states
    held: frozenset[str]  # addresses on hold after bounces or a complaint


def exclusion_facts_read(*, contact_ids: Iterable[int], emails: Iterable[str]) -> ExclusionFacts:
    """Two queries, whatever the size of the batch."""
    addresses = [email for email in emails if email]
    held = EmailHold.objects.filter(email__in=addresses, held=True).values_list("email", flat=True)
    return ExclusionFacts(consent=consent_states(contact_ids), held=frozenset(held))


def exclusion_reason(
    facts: ExclusionFacts, *, contact_id: int, email: str | None, purpose: str
) -> SuppressionReason | None:
    """Why this contact gets no message at this address for this purpose; None if they may
    be written to. Only a grant for the purpose allows it: never asked is no."""
    if not email:
        return SuppressionReason.NO_EMAIL
    state = facts.consent[contact_id][purpose]
    if state is None:
        return SuppressionReason.NO_CONSENT
    if state is False:
        return SuppressionReason.OPTED_OUT
    if email in facts.held:
        return SuppressionReason.ON_HOLD
    return None
