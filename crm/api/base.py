from django.db.models import Model
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from crm.selectors.history import Change, history_of


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


class ChangeSerializer(serializers.Serializer):
    when = serializers.DateTimeField()
    who = serializers.CharField(allow_null=True)
    kind = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    model = serializers.CharField()
    object_id = serializers.IntegerField()
    changes = serializers.DictField(child=serializers.ListField(allow_null=True))


class HistoryMixin:
    """``GET <resource>/{id}/history/``: who changed what and when, newest first."""

    history_label = "record"

    def history_changes(self, instance) -> list[Change]:
        model = type(instance)
        changes = history_of(model.history.filter(id=instance.pk), self.history_label)
        return sorted(changes, key=lambda c: c.when, reverse=True)

    @extend_schema(responses=ChangeSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, pk=None):
        instance = self.get_object()
        page = self.paginate_queryset(self.history_changes(instance))
        return self.get_paginated_response(ChangeSerializer(page, many=True).data)
