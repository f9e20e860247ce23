import datetime

from django.db import transaction

from core.services import model_create
from crm.models import Consent, Contact


@transaction.atomic
def consent_record(
    *,
    contact: Contact,
    purpose: str,
    granted: bool,
    source: str,
    text_version: str = "",
    recorded_at: datetime.datetime | None = None,
    recorded_by=None,
    note: str = "",
) -> Consent:
    """Append a consent statement (or its withdrawal); existing statements are never edited."""
    values = {
        "contact": contact,
        "purpose": purpose,
        "granted": granted,
        "source": source,
        "text_version": text_version,
        "recorded_by": recorded_by,
        "note": note,
    }
    if recorded_at is not None:
        values["recorded_at"] = recorded_at
    return model_create(Consent, **values)
