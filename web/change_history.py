"""The change history as a coordinator reads it: each change named by what it was about
(translated model and field labels, choice labels, the names of linked records) instead of
column names and ids. The history itself comes from crm.selectors.history."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from crm.selectors.history import CONTACT_HISTORY_SOURCES, Change

RECORD_LABELS = {
    "contact": _("Contact details"),
    "affiliation": _("Affiliation"),
    "participation": _("Forum participation"),
    "membership": _("Working-group membership"),
    "consent": _("Consent"),
    "invitation": _("Working-group invitation"),
}
KIND_LABELS = {"created": _("added"), "changed": _("changed"), "deleted": _("removed")}
# Links to other records carry no translated verbose name in the models (a label change
# there would be a migration); their labels are named here.
LINK_LABELS = {
    "contact": _("Contact"),
    "forum": _("Forum"),
    "organisation": _("Organisation"),
    "working_group": _("Working group"),
    "template": _("Template"),
    "mailing": _("Mailing"),
    "invited_by": _("Invited by"),
}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: object
    new: object


@dataclass(frozen=True)
class ChangeShown:
    when: datetime
    who: str | None
    record: str
    kind: str
    fields: list[FieldChange]


def _field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _label(field, name: str) -> str:
    if field is None:
        return name
    if field.is_relation:
        return str(LINK_LABELS.get(name, capfirst(field.verbose_name)))
    return str(capfirst(field.verbose_name))


def changes_shown(changes: list[Change]) -> list[ChangeShown]:
    """The changes with labels, choice values by their labels and linked records by name: one
    query per kind of linked record, whatever the number of changes."""
    paths = dict(CONTACT_HISTORY_SOURCES)
    linked: dict[type, set] = defaultdict(set)
    for change in changes:
        model = apps.get_model(paths[change.model])
        for name, values in change.changes.items():
            field = _field(model, name)
            if field is not None and field.is_relation and field.many_to_one:
                linked[field.related_model].update(v for v in values if v is not None)
    names = {
        related: {obj.pk: str(obj) for obj in related._default_manager.filter(pk__in=pks)}
        for related, pks in linked.items()
    }

    def shown(field, value):
        if value is None or value == "":
            return None
        if field is None:
            return value
        if field.is_relation and field.many_to_one:
            return names.get(field.related_model, {}).get(value, f"#{value}")
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(field, models.BooleanField):
            return _("yes") if value else _("no")
        return value

    out = []
    for change in changes:
        model = apps.get_model(paths[change.model])
        fields = []
        for name, (old, new) in change.changes.items():
            field = _field(model, name)
            fields.append(FieldChange(_label(field, name), shown(field, old), shown(field, new)))
        out.append(
            ChangeShown(
                when=change.when,
                who=change.who,
                record=str(RECORD_LABELS.get(change.model, capfirst(model._meta.verbose_name))),
                kind=str(KIND_LABELS.get(change.kind, change.kind)),
                fields=fields,
            )
        )
    return out
