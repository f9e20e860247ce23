"""A new person as a coordinator meets them: their details, where they work, and the consent
they gave on the spot, recorded together or not at all."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import ConsentSource, Contact, Organisation

from .affiliations import affiliation_create
from .consent import consent_record
from .contacts import contact_create


@transaction.atomic
def contact_intake(
    *,
    details: dict,
    organisation: Organisation | None = None,
    position: str = "",
    consent_purposes: Iterable[str] = (),
    text_version: str = "",
    recorded_by=None,
) -> Contact:
    """Create a contact (``details`` as for ``contact_create``), their current primary
    affiliation, and a consent given in person for each purpose, in one transaction.

    Consent given in person is only worth keeping with the version of the text the person
    agreed to, so ``text_version`` is required with any purpose.
    """
    purposes = list(consent_purposes)
    errors = {}
    if position and organisation is None:
        errors["organisation"] = _("Choose the organisation this position is at.")
    if purposes and not text_version.strip():
        errors["text_version"] = _("Say which version of the consent text the person agreed to.")
    try:
        contact = contact_create(**details)
    except ValidationError as error:
        # Every problem at once, the details' and the rest's (contact_create's savepoint
        # has rolled back its own writes).
        raise ValidationError({**error.message_dict, **errors}) from error
    if errors:
        raise ValidationError(errors)
    if organisation is not None:
        affiliation_create(
            contact=contact, organisation=organisation, position=position, is_primary=True
        )
    for purpose in purposes:
        consent_record(
            contact=contact,
            purpose=purpose,
            granted=True,
            source=ConsentSource.IN_PERSON,
            text_version=text_version.strip(),
            recorded_by=recorded_by,
        )
    return contact
