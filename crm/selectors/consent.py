"""The current consent state: the latest record per contact and purpose wins."""

from collections.abc import Iterable

from crm.models import Consent, ConsentPurpose


def consent_states(contact_ids: Iterable[int]) -> dict[int, dict[str, bool | None]]:
    """``{contact_id: {purpose: True | False | None}}`` for a page of contacts, in one query.

    False is a withdrawal; None means the contact was never asked. Reading the few records
    of the page's contacts beats a correlated subquery per row, which the database would
    evaluate for every row matching the filter before it can sort and cut the page.
    """
    ids = list(contact_ids)
    states = {pk: dict.fromkeys(ConsentPurpose.values) for pk in ids}
    seen: set[tuple[int, str]] = set()
    rows = (
        Consent.objects.filter(contact_id__in=ids)
        .order_by("contact_id", "purpose", "-recorded_at", "-id")
        .values_list("contact_id", "purpose", "granted")
    )
    for contact_id, purpose, granted in rows:
        if (contact_id, purpose) not in seen:  # the first row per pair is the latest
            seen.add((contact_id, purpose))
            states[contact_id][purpose] = granted
    return states
