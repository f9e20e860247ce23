"""The API's view set for every app: writes go through the app's services, reads can be
decorated with page-level extras."""

from django.db.models import Model
from rest_framework import viewsets
from rest_framework.response import Response


class ServiceViewSet(viewsets.ModelViewSet):
    """A ModelViewSet whose writes go through services and whose reads can be decorated.

    Subclasses implement ``create_object(data)`` and ``update_object(instance, data)`` by
    calling their service; serializers only parse and render. After a write the object is
    read back through ``get_queryset()``, so the response carries the same annotations a
    list shows. ``decorate(objects)`` attaches page-level extras (counts) in one query.
    """

    def create_object(self, data: dict) -> Model:
        raise NotImplementedError

    def update_object(self, instance: Model, data: dict) -> Model:
        raise NotImplementedError

    def decorate(self, objects: list) -> None:
        """Attach extras to the objects about to be rendered (one query for all)."""

    def perform_create(self, serializer):
        serializer.instance = self._reload(self.create_object(serializer.validated_data))

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        # The answer is the whole object as a GET shows it: a partial serializer would
        # leave out the fields that have a default (an organisation_name that is null).
        return Response(self.get_serializer(serializer.instance).data)

    def perform_update(self, serializer):
        instance = self.update_object(serializer.instance, serializer.validated_data)
        serializer.instance = self._reload(instance)

    def _reload(self, instance: Model) -> Model:
        fresh = self.get_queryset().get(pk=instance.pk)
        self.decorate([fresh])
        return fresh

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        objects = list(page if page is not None else queryset)
        self.decorate(objects)
        data = self.get_serializer(objects, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        self.decorate([instance])
        return Response(self.get_serializer(instance).data)
