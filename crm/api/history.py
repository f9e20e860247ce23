"""``GET <resource>/{id}/history/`` for the CRM's records (django-simple-history)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from crm.selectors.history import Change, history_of


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
