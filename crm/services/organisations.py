from django.db import transaction

from crm.models import Affiliation, Organisation

from .common import model_create, model_update

ORGANISATION_FIELDS = ("name", "sector", "city", "website", "description")


@transaction.atomic
def organisation_create(
    *, name: str, sector: str, city: str = "", website: str = "", description: str = ""
) -> Organisation:
    return model_create(
        Organisation, name=name, sector=sector, city=city, website=website, description=description
    )


@transaction.atomic
def organisation_update(*, organisation: Organisation, data: dict) -> Organisation:
    organisation, changed = model_update(
        instance=organisation, data=data, fields=ORGANISATION_FIELDS
    )
    if "sector" in changed:
        # People whose sector follows this organisation move with it.
        from .contacts import contact_sector_refresh

        contact_ids = Affiliation.objects.filter(organisation=organisation).values_list(
            "contact_id", flat=True
        )
        contact_sector_refresh(contact_ids=list(contact_ids))
    return organisation


@transaction.atomic
def organisation_delete(*, organisation: Organisation) -> None:
    """Remove an organisation; one that people belong to (or belonged to), that partnered a
    forum, funds a programme or was represented at a forum is refused (ProtectedError)."""
    organisation.delete()
