"""Filter fields every app's FilterSets use, so bad input is a 400 the same way everywhere.

Every free-text filter has a length limit: an over-long value is a 400, not a full scan.
"""

import django_filters as filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.ids import MAX_ID

MAX_TEXT = 200


@extend_schema_field(OpenApiTypes.INT64)
class IdFilter(filters.Filter):
    """A positive 64-bit integer id; anything else is a 400 from the form field, never a
    database error."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.BOOL)
class BooleanChoiceFilter(filters.TypedChoiceFilter):
    pass


def boolean(**kwargs):
    """true/false (or 1/0); anything else is a 400 rather than silently ignored."""
    return BooleanChoiceFilter(
        choices=[("true", "true"), ("false", "false"), ("1", "1"), ("0", "0")],
        coerce=lambda value: value in ("true", "1"),
        **kwargs,
    )


def text(**kwargs):
    return filters.CharFilter(max_length=MAX_TEXT, **kwargs)


def filterset_bind(filterset_class, params, queryset):
    """A FilterSet bound to the parameters it knows that are set: a page's query string also
    carries its sort, page and format, and an empty field means "any"."""
    known = params.copy()
    for key in list(known):
        if key not in filterset_class.base_filters or not known.get(key):
            del known[key]
    return filterset_class(known, queryset=queryset)
