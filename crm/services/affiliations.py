import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import model_create, model_update
from crm.models import Affiliation, Contact, Organisation

from .contacts import contact_sector_refresh

AFFILIATION_FIELDS = ("organisation", "position", "start_date", "end_date", "is_primary")


def _lock_contact(contact_id: int) -> None:
    # Serialises changes to one person's affiliations, so two concurrent "make primary"
    # requests cannot both demote and both insert.
    Contact.objects.select_for_update().filter(pk=contact_id).exists()


def _demote_other_primary(*, contact_id: int, keep_id: int | None) -> None:
    """A new current primary affiliation takes over: the previous one stays, not primary."""
    others = Affiliation.objects.filter(
        contact_id=contact_id, is_primary=True, end_date__isnull=True
    ).exclude(pk=keep_id)
    for other in others:
        other.is_primary = False
        other.save(update_fields=["is_primary", "updated"])


@transaction.atomic
def affiliation_create(
    *,
    contact: Contact,
    organisation: Organisation,
    position: str = "",
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    is_primary: bool = False,
) -> Affiliation:
    _lock_contact(contact.pk)
    if is_primary and end_date is None:
        _demote_other_primary(contact_id=contact.pk, keep_id=None)
    affiliation = model_create(
        Affiliation,
        contact=contact,
        organisation=organisation,
        position=position,
        start_date=start_date,
        end_date=end_date,
        is_primary=is_primary,
    )
    contact_sector_refresh(contact_ids=[contact.pk])
    return affiliation


@transaction.atomic
def affiliation_update(*, affiliation: Affiliation, data: dict) -> Affiliation:
    if "contact" in data and data["contact"].pk != affiliation.contact_id:
        raise ValidationError({"contact": _("An affiliation cannot move to another contact.")})
    data = {name: value for name, value in data.items() if name != "contact"}  # the same one
    _lock_contact(affiliation.contact_id)
    becomes_current_primary = data.get("is_primary", affiliation.is_primary) and (
        data.get("end_date", affiliation.end_date) is None
    )
    if becomes_current_primary:
        _demote_other_primary(contact_id=affiliation.contact_id, keep_id=affiliation.pk)
    affiliation, changed = model_update(instance=affiliation, data=data, fields=AFFILIATION_FIELDS)
    if changed & {"organisation", "end_date", "is_primary", "start_date"}:
        contact_sector_refresh(contact_ids=[affiliation.contact_id])
    return affiliation


@transaction.atomic
def affiliation_end(
    *, affiliation: Affiliation, end_date: datetime.date | None = None
) -> Affiliation:
    """Close an affiliation on a date (today by default). The row and its history stay."""
    if affiliation.end_date is not None:
        raise ValidationError({"end_date": _("This affiliation has already ended.")})
    return affiliation_update(
        affiliation=affiliation, data={"end_date": end_date or timezone.localdate()}
    )


@transaction.atomic
def affiliation_delete(*, affiliation: Affiliation) -> None:
    """Remove an affiliation entered by mistake; people who left keep theirs, ended."""
    contact_id = affiliation.contact_id
    affiliation.delete()
    contact_sector_refresh(contact_ids=[contact_id])
