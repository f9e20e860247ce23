"""Change history (who, when, what) read from django-simple-history's tables."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Model

CHANGE_KINDS = {"+": "created", "~": "changed", "-": "deleted"}
IGNORED_FIELDS = {"updated", "created", "search_key", "name_key"}


@dataclass(frozen=True)
class Change:
    when: datetime
    who: str | None
    kind: str
    model: str
    object_id: int
    changes: dict  # field -> [old, new]


def _changes_of(records, model_label: str) -> list[Change]:
    """Turn one object's history records (oldest first) into field-level changes."""
    out: list[Change] = []
    previous = None
    for record in records:
        diff: dict = {}
        if previous is not None and record.history_type == "~":
            for change in record.diff_against(previous).changes:
                if change.field not in IGNORED_FIELDS:
                    diff[change.field] = [_plain(change.old), _plain(change.new)]
        elif record.history_type == "+":
            diff = {
                field.name: [None, _plain(getattr(record, field.attname))]
                for field in record.instance_type._meta.concrete_fields
                if field.name not in IGNORED_FIELDS
                and field.name != "id"
                and getattr(record, field.attname, None) not in (None, "")
            }
        user = record.history_user
        out.append(
            Change(
                when=record.history_date,
                who=user.get_username() if user else None,
                kind=CHANGE_KINDS[record.history_type],
                model=model_label,
                object_id=record.id,
                changes=diff,
            )
        )
        previous = record
    return out


def _plain(value):
    if isinstance(value, Model):
        return value.pk
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def history_of(queryset, model_label: str) -> list[Change]:
    """Changes of every object in a history queryset, oldest first per object."""
    by_object: dict[int, list] = {}
    for record in queryset.select_related("history_user").order_by("history_date", "history_id"):
        by_object.setdefault(record.id, []).append(record)
    changes: list[Change] = []
    for records in by_object.values():
        changes.extend(_changes_of(records, model_label))
    return changes


def contact_history(contact) -> list[Change]:
    """Everything that happened to a contact and their records, newest first."""
    from crm.models import Affiliation, Consent, Contact, Participation, WorkingGroupMembership

    sources = [
        (Contact.history.filter(id=contact.pk), "contact"),
        (Affiliation.history.filter(contact_id=contact.pk), "affiliation"),
        (Participation.history.filter(contact_id=contact.pk), "participation"),
        (WorkingGroupMembership.history.filter(contact_id=contact.pk), "membership"),
        (Consent.history.filter(contact_id=contact.pk), "consent"),
    ]
    changes: list[Change] = []
    for queryset, label in sources:
        changes.extend(history_of(queryset, label))
    return sorted(changes, key=lambda c: c.when, reverse=True)
