"""Helpers every write service uses, so validation and saving happen the same way."""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

M = TypeVar("M", bound=models.Model)


def _loaded_relations(instance: models.Model) -> list[str]:
    """Foreign keys set to rows the caller already loaded from the database.

    ``clean_fields`` would query each of them again to prove it exists; the database's
    foreign-key constraint still guards the insert, so the check is skipped for these.
    """
    cache = instance._state.fields_cache
    return [
        field.name
        for field in instance._meta.concrete_fields
        if field.many_to_one
        and cache.get(field.name) is not None
        and not cache[field.name]._state.adding
        and cache[field.name].pk == getattr(instance, field.attname)
    ]


def validate(instance: models.Model) -> None:
    """``full_clean`` without re-reading related rows the caller already holds.

    Field checks, ``clean()``, unique checks and constraints all still run, and errors from
    each stage are collected as Django's ``full_clean`` does.
    """
    errors: dict = {}
    try:
        instance.clean_fields(exclude=_loaded_relations(instance))
    except ValidationError as e:
        errors = e.update_error_dict(errors)
    try:
        instance.clean()
    except ValidationError as e:
        errors = e.update_error_dict(errors)
    # Derived columns (name keys) are not the user's input: their rules are checked in
    # clean() with a message about the field the user typed, as the admin's forms do.
    derived = {f.name for f in instance._meta.concrete_fields if not f.editable}
    failed = set(errors)
    try:
        instance.validate_unique(exclude=failed | derived)
    except ValidationError as e:
        errors = e.update_error_dict(errors)
    try:
        instance.validate_constraints(exclude=failed)
    except ValidationError as e:
        errors = e.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def model_update(
    *, instance: M, data: Mapping[str, Any], fields: Iterable[str]
) -> tuple[M, set[str]]:
    """Set the allowed ``fields`` found in ``data``, validate, and save only what changed.

    Returns the instance and the names of the fields that changed, so callers can react to
    a change (a new sector, an ended affiliation) without comparing values themselves.
    """
    fields = tuple(fields)
    values_known(f"{type(instance).__name__} update", data, fields)
    changed: set[str] = set()
    for field in fields:
        if field in data and getattr(instance, field) != data[field]:
            setattr(instance, field, data[field])
            changed.add(field)
    if changed:
        validate(instance)
        update_fields = set(changed)
        if any(f.name == "updated" for f in instance._meta.concrete_fields):
            update_fields.add("updated")
        instance.save(update_fields=update_fields)
    return instance, changed


def values_known(service: str, values: Mapping[str, Any], fields: Iterable[str]) -> dict:
    """The keyword arguments of a ``**values`` service, after refusing any it does not
    know, as Python refuses an unknown keyword: a misspelt field fails loudly instead of
    being dropped while the row is saved without it."""
    unknown = sorted(set(values) - set(fields))
    if unknown:
        names = ", ".join(repr(name) for name in unknown)
        raise TypeError(f"{service}() got unexpected keyword arguments: {names}")
    return dict(values)


def model_create(model: type[M], **values: Any) -> M:
    """Build, validate against every field and constraint, and save a new row."""
    instance = model(**values)
    validate(instance)
    instance.save()
    return instance


def still_in_use_message(error: ProtectedError | RestrictedError) -> str:
    """Why a record could not be deleted, naming the kinds of record that still use it: the
    same sentence in the API's 409 answer and on the pages."""
    objects = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", ())
    blockers = sorted({str(obj._meta.verbose_name_plural) for obj in objects})
    return _("This record is still in use by %(what)s; remove those first.") % {
        "what": ", ".join(blockers)
    }
