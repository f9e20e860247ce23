from rest_framework import serializers

from core.viewsets import ServiceViewSet
from crm.filters import ConsentFilter
from crm.models import Consent
from crm.services.consent import consent_record

from .fields import ConsentSourceField
from .history import HistoryMixin


class ConsentSerializer(serializers.ModelSerializer):
    recorded_by = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Who entered it; null for imports and the recipients' own links.",
    )
    recorded_at = serializers.DateTimeField(
        required=False,
        help_text=(
            "When the contact gave or withdrew consent; defaults to now. Never in the future "
            "(it would outrank a later withdrawal)."
        ),
    )
    source = ConsentSourceField()

    class Meta:
        model = Consent
        fields = [
            "id",
            "contact",
            "purpose",
            "granted",
            "source",
            "text_version",
            "recorded_at",
            "recorded_by",
            "note",
        ]


class ConsentViewSet(HistoryMixin, ServiceViewSet):
    """Consent statements, append-only: a withdrawal is a new record with granted=false.

    The current state for a contact and purpose is the latest record. Records cannot be
    edited or deleted, so PUT, PATCH and DELETE answer 405.
    """

    serializer_class = ConsentSerializer
    filterset_class = ConsentFilter
    ordering_fields = ["recorded_at"]
    ordering = ["-recorded_at", "-id"]
    http_method_names = ["get", "post", "head", "options"]
    history_label = "consent"

    def get_queryset(self):
        return Consent.objects.select_related("recorded_by")

    def create_object(self, data):
        return consent_record(recorded_by=self.request.user, **data)
