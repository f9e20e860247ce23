from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from core.viewsets import ServiceViewSet
from crm.filters import ContactFilter
from crm.models import Contact, Sector
from crm.selectors.contacts import contact_queryset, contacts_attach_consent
from crm.selectors.history import contact_history
from crm.services.contacts import contact_create, contact_update

from .fields import EmailAddressField, PhoneField, TopicsField
from .history import HistoryMixin


class CurrentAffiliationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    position = serializers.CharField()
    is_primary = serializers.BooleanField()


class ConsentStateSerializer(serializers.Serializer):
    """The latest statement per purpose: true, false (withdrawn) or null (never asked)."""

    forum_updates = serializers.BooleanField(allow_null=True)
    working_group = serializers.BooleanField(allow_null=True)


class ContactSerializer(serializers.ModelSerializer):
    email = EmailAddressField(
        validators=[
            UniqueValidator(
                queryset=Contact.objects.all(),
                message=_("A contact with this e-mail address already exists."),
            )
        ]
    )
    phone = PhoneField()
    sector = serializers.ChoiceField(
        choices=Sector.choices,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Setting a sector pins it; null or blank lets it follow the current primary "
        "affiliation again.",
    )
    sector_source = serializers.SerializerMethodField()
    tags = TopicsField()
    full_name = serializers.CharField(read_only=True)
    current_affiliations = CurrentAffiliationSerializer(many=True, read_only=True)
    consent = ConsentStateSerializer(read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "given_name",
            "family_name",
            "patronymic",
            "full_name",
            "email",
            "phone",
            "city",
            "language",
            "sector",
            "sector_source",
            "tags",
            "notes",
            "current_affiliations",
            "consent",
            "created",
            "updated",
        ]

    def get_sector_source(self, contact) -> str:
        if contact.sector_explicit:
            return "explicit"
        return "affiliation" if contact.sector else "unknown"


class ContactViewSet(HistoryMixin, ServiceViewSet):
    """People: names in any script, e-mail, phone (E.164), sector, topics, consent state."""

    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    ordering_fields = ["family_name", "given_name", "city", "sector", "created", "updated"]
    ordering = ["family_name", "given_name", "id"]
    history_label = "contact"

    def get_queryset(self):
        return contact_queryset()

    def create_object(self, data):
        return contact_create(**data)

    def update_object(self, instance, data):
        return contact_update(contact=instance, data=data)

    def decorate(self, objects):
        contacts_attach_consent(objects)

    def history_changes(self, instance):
        # A person's history spans their affiliations, participations and consents too.
        return contact_history(instance)
