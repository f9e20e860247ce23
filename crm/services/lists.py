from collections.abc import Iterable

from django.db import transaction

from crm.models import Contact, ContactList, ContactListKind, ContactListMember

from .common import model_create


@transaction.atomic
def contact_list_create(
    *,
    name: str,
    kind: str = ContactListKind.MANUAL,
    contacts: Iterable[Contact | int] = (),
    description: str = "",
    parameters: dict | None = None,
    created_by=None,
) -> ContactList:
    """Save a list with its members fixed as of now (one bulk insert)."""
    contact_list = model_create(
        ContactList,
        name=name,
        kind=kind,
        description=description,
        parameters=parameters or {},
        created_by=created_by,
    )
    ids = sorted({c.pk if isinstance(c, Contact) else int(c) for c in contacts})
    ContactListMember.objects.bulk_create(
        (ContactListMember(contact_list=contact_list, contact_id=pk) for pk in ids),
        batch_size=5_000,
    )
    return contact_list
