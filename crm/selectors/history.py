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


# Other apps add the history of their per-contact records (label, model path) here in
# their ready(), e.g. outreach's invitations, without crm importing them.
CONTACT_HISTORY_SOURCES: list[tuple[str, str]] = [
    ("contact", "crm.Contact"),
    ("affiliation", "crm.Affiliation"),
    ("participation", "crm.Participation"),
    ("membership", "crm.WorkingGroupMembership"),
    ("consent", "crm.Consent"),
]


def contact_history(contact) -> list[Change]:
    """Everything that happened to a contact and their records, newest first."""
    from django.apps import apps

    changes: list[Change] = []
    for label, path in CONTACT_HISTORY_SOURCES:
        model = apps.get_model(path)
        key = "id" if path == "crm.Contact" else "contact_id"
        changes.extend(history_of(model.history.filter(**{key: contact.pk}), label))
    return sorted(changes, key=lambda c: c.when, reverse=True)
