"""Most generated ids point at rows of the seeded world.

Random integers almost never name an existing row (or page), so without help nearly every
detail, filter and write would end in a 404 or a "no such object" 400, and the answers a
client sees most (200, 201, 204) would go unchecked. These strategies keep the generated
values or, more often, swap in real ids for path parameters, filters and body
fields that name a row, and the first page for ``page``.
"""

from django.urls import resolve
from hypothesis import strategies as st

from crm.models import (
    Contact,
    ContactList,
    Forum,
    Organisation,
    Programme,
    WorkingGroup,
)
from engagement.models import EngagementSnapshot
from network.models import NetworkSnapshot
from outreach.models import MessageTemplate

FIRST_PAGE = object()  # stands for ?page=1 where a model stands for its rows' ids

# Query parameters and body fields that hold the id of a row, whatever the operation.
FIELD_MODELS = {
    "contact": Contact,
    "contacts": Contact,
    "contact_id": Contact,
    "forum": Forum,
    "origin_forum": Forum,
    "after_forum": Forum,
    "from_forum": Forum,
    "to_forum": Forum,
    "organisation": Organisation,
    "funder": Organisation,
    "programme": Programme,
    "working_group": WorkingGroup,
    "template": MessageTemplate,
    "contact_list": ContactList,
}


class WorldIds:
    """The ids of the seeded rows, read while the world exists (none before: examples
    drawn when the tests are collected keep their generated values)."""

    def __init__(self):
        self.by_model: dict | None = None

    def start(self) -> None:
        self.by_model = {}

    def stop(self) -> None:
        self.by_model = None

    def of(self, model) -> list[int]:
        if self.by_model is None:
            return []
        if model not in self.by_model:
            self.by_model[model] = sorted(model.objects.values_list("pk", flat=True))
        return self.by_model[model]


WORLD_IDS = WorldIds()


def route_model(path: str):
    """The model an API path's ``{id}`` names, from the view that serves it."""
    match = resolve(path.replace("{id}", "1").replace("{contact_id}", "1"))
    view = getattr(match.func, "cls", None) or match.func.view_class
    queryset = getattr(view, "queryset", None)
    if queryset is not None:
        return queryset.model
    return view.serializer_class.Meta.model


def field_model(name: str, path: str):
    if name == "snapshot":
        return EngagementSnapshot if "/engagement/" in path else NetworkSnapshot
    return FIELD_MODELS.get(name)


def _choices(model) -> list[int]:
    # A page that exists: any other page number is a 404 like a missing row.
    return [1] if model is FIRST_PAGE else WORLD_IDS.of(model)


def _swapped(values: dict, models: dict, picks: list[int]) -> dict:
    swapped = dict(values)
    for (name, model), pick in zip(models.items(), picks, strict=False):
        choices = _choices(model)
        if not choices:
            continue
        real = choices[pick % len(choices)]
        swapped[name] = [real] if isinstance(values[name], list) else real
    return swapped


def with_real_ids(values, models: dict):
    """``values`` as generated, or with every field in ``models`` set to a real id (or
    page)."""
    if not isinstance(values, dict) or not models:
        return st.just(values)
    models = {name: model for name, model in models.items() if name in values}
    if not models:
        return st.just(values)
    picks = st.lists(st.integers(min_value=0, max_value=10_000), min_size=len(models))
    real = picks.map(lambda p: _swapped(values, models, p))
    # Real rows first: Hypothesis leans towards the first branch, and the generated value
    # is most often one more 404.
    return st.one_of(real, st.just(values))


def path_models(path: str, names) -> dict:
    models = {}
    for name in names:
        if name == "id":
            models[name] = route_model(path)
        elif field_model(name, path) is not None:
            models[name] = field_model(name, path)
    return models


def named_models(path: str, names) -> dict:
    models = {name: field_model(name, path) for name in names if field_model(name, path)}
    if "page" in names:
        models["page"] = FIRST_PAGE
    return models
