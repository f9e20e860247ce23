from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.viewsets import ServiceViewSet
from crm.filters import AffiliationFilter, OrganisationFilter
from crm.models import Affiliation, Organisation
from crm.selectors.counts import organisation_people_counts
from crm.services.affiliations import (
    affiliation_create,
    affiliation_delete,
    affiliation_end,
    affiliation_update,
)
from crm.services.organisations import (
    organisation_create,
    organisation_delete,
    organisation_update,
)

from .history import HistoryMixin


class OrganisationSerializer(serializers.ModelSerializer):
    people_count = serializers.IntegerField(
        read_only=True, help_text="People with a current affiliation."
    )

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "sector",
            "city",
            "website",
            "description",
            "people_count",
            "created",
            "updated",
        ]


class OrganisationViewSet(HistoryMixin, ServiceViewSet):
    """Organisations by sector. Names are unique ignoring case, quotes and extra spaces."""

    queryset = Organisation.objects.all()
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "sector", "city", "created"]
    ordering = ["name"]
    history_label = "organisation"

    def create_object(self, data):
        return organisation_create(**data)

    def update_object(self, instance, data):
        return organisation_update(organisation=instance, data=data)

    def perform_destroy(self, instance):
        organisation_delete(organisation=instance)

    def decorate(self, objects):
        counts = organisation_people_counts(o.pk for o in objects)
        for organisation in objects:
            organisation.people_count = counts.get(organisation.pk, 0)


class AffiliationSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    contact_name = serializers.CharField(source="contact.full_name", read_only=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = Affiliation
        fields = [
            "id",
            "contact",
            "contact_name",
            "organisation",
            "organisation_name",
            "position",
            "start_date",
            "end_date",
            "is_primary",
            "is_current",
            "created",
            "updated",
        ]
        # The service demotes a previous primary before saving, which a generic
        # unique-together check would reject; the model's constraints are checked there.
        validators = []


class AffiliationEndSerializer(serializers.Serializer):
    end_date = serializers.DateField(required=False, help_text="Defaults to today.")


class AffiliationViewSet(HistoryMixin, ServiceViewSet):
    """Who works where, over time. A new current primary affiliation replaces the previous
    primary (which stays, as a secondary); ending one keeps it in the history."""

    queryset = Affiliation.objects.select_related("organisation", "contact")
    serializer_class = AffiliationSerializer
    filterset_class = AffiliationFilter
    ordering_fields = ["start_date", "end_date", "created"]
    ordering = ["contact_id", "-start_date", "-id"]
    history_label = "affiliation"

    def create_object(self, data):
        return affiliation_create(**data)

    def update_object(self, instance, data):
        return affiliation_update(affiliation=instance, data=data)

    def perform_destroy(self, instance):
        affiliation_delete(affiliation=instance)

    @extend_schema(request=AffiliationEndSerializer, responses=AffiliationSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """Close the affiliation on a date (today by default); it stays in the history."""
        affiliation = self.get_object()
        payload = AffiliationEndSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        affiliation = affiliation_end(affiliation=affiliation, **payload.validated_data)
        return Response(self.get_serializer(self._reload(affiliation)).data)
