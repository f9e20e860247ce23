from rest_framework import serializers

from core.viewsets import ServiceViewSet
from crm.filters import ParticipationFilter
from crm.models import Participation
from crm.services.participation import participation_create, participation_update

from .history import HistoryMixin


class ParticipationSerializer(serializers.ModelSerializer):
    contact_name = serializers.CharField(source="contact.full_name", read_only=True)
    forum_title = serializers.CharField(source="forum.title", read_only=True)
    forum_date = serializers.DateField(source="forum.date", read_only=True)
    organisation_name = serializers.CharField(
        source="organisation.name", read_only=True, default=None, allow_null=True
    )
    sector = serializers.SerializerMethodField(
        help_text="The sector represented: the organisation's, else the contact's."
    )

    class Meta:
        model = Participation
        fields = [
            "id",
            "contact",
            "contact_name",
            "forum",
            "forum_title",
            "forum_date",
            "role",
            "status",
            "organisation",
            "organisation_name",
            "sector",
            "created",
            "updated",
        ]
        extra_kwargs = {
            "organisation": {
                "help_text": "Whom the contact represented; defaults to their organisation "
                "on the forum's date."
            }
        }

    def get_sector(self, participation) -> str:
        if participation.organisation_id:
            return participation.organisation.sector
        return participation.contact.sector


class ParticipationViewSet(HistoryMixin, ServiceViewSet):
    """Who took part in which forum, in what role, with what status."""

    serializer_class = ParticipationSerializer
    filterset_class = ParticipationFilter
    ordering_fields = ["forum__date", "status", "role", "created", "updated"]
    ordering = ["forum__date", "forum_id", "id"]
    history_label = "participation"

    def get_queryset(self):
        return Participation.objects.select_related("contact", "forum", "organisation")

    def create_object(self, data):
        return participation_create(**data)

    def update_object(self, instance, data):
        return participation_update(participation=instance, data=data)
