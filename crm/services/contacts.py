from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from crm.models import Affiliation, Contact, Language
from crm.models.contacts import CONTACT_DETAILS

from .common import model_create, model_update

CONTACT_FIELDS = (*CONTACT_DETAILS, "notes")


def _derived_sector_subquery():
    """The sector a contact takes from their affiliations when none was set explicitly.

    Current affiliations come first, the primary one before others; a contact with only past
    affiliations keeps the sector of the latest one, so people between jobs do not vanish
    from the sector figures.
    """
    affiliations = Affiliation.objects.filter(contact=OuterRef("pk")).order_by(
        F("end_date").desc(nulls_first=True),
        "-is_primary",
        F("start_date").desc(nulls_last=True),
        "-id",
    )
    return Coalesce(Subquery(affiliations.values("organisation__sector")[:1]), Value(""))


def contact_sector_refresh(*, contact_ids: Iterable[int]) -> int:
    """Recompute the stored sector of contacts whose sector follows their affiliations.

    The derived sectors come from one query; only contacts whose sector actually changes
    are saved, one by one, so each change lands in their history with who caused it.
    Returns the number of contacts changed.
    """
    ids = list(contact_ids)
    if not ids:
        return 0
    stale = (
        Contact.objects.filter(pk__in=ids, sector_explicit=False)
        .annotate(derived=_derived_sector_subquery())
        .exclude(sector=F("derived"))
    )
    changed = 0
    for contact in stale:
        contact.sector = contact.derived
        contact.save(update_fields=["sector", "updated"])
        changed += 1
    return changed


def _sector_fields(sector: str | None) -> dict:
    # Setting a sector pins it; clearing it hands the sector back to the affiliations.
    if sector:
        return {"sector": sector, "sector_explicit": True}
    return {"sector": "", "sector_explicit": False}


@transaction.atomic
def contact_create(
    *,
    given_name: str,
    family_name: str = "",
    patronymic: str = "",
    email: str | None = None,
    phone: str = "",
    city: str = "",
    language: str = Language.RUSSIAN,
    sector: str | None = None,
    tags: Iterable[str] = (),
    notes: str = "",
) -> Contact:
    contact = model_create(
        Contact,
        given_name=given_name,
        family_name=family_name,
        patronymic=patronymic,
        email=email,
        phone=phone,
        city=city,
        language=language,
        notes=notes,
        **_sector_fields(sector),
    )
    if tags:
        contact.tags.set(list(tags))
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, data: dict) -> Contact:
    fields = list(CONTACT_FIELDS)
    data = dict(data)
    tags = data.pop("tags", None)
    if "sector" in data:
        data.update(_sector_fields(data.pop("sector")))
        fields += ["sector", "sector_explicit"]
    contact, _changed = model_update(instance=contact, data=data, fields=fields)
    if not contact.sector_explicit and "sector_explicit" in data:
        # Cleared (or never pinned): the sector follows the affiliations again.
        contact_sector_refresh(contact_ids=[contact.pk])
        contact.refresh_from_db(fields=["sector", "updated"])
    if tags is not None:
        contact.tags.set(list(tags))
    return contact
