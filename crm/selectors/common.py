from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.datastructures import MultiValueDict


def filtered(filterset_class, *, queryset: QuerySet, filters) -> QuerySet:
    """Apply a FilterSet; invalid filter values raise ValidationError (a 400 in the API).

    ``filters`` is a QueryDict (request.GET) or a plain dict whose values are strings or
    lists of strings.
    """
    if filters is not None and not isinstance(filters, MultiValueDict):
        filters = MultiValueDict(
            {k: list(v) if isinstance(v, list | tuple) else [v] for k, v in filters.items()}
        )
    filterset = filterset_class(data=filters or MultiValueDict(), queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors.get_json_data(escape_html=False))
    return filterset.qs
