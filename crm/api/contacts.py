from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from core.viewsets import ServiceViewSet
from crm.filters import ContactFilter
from crm.models import ConsentPurpose, Contact, Sector
from crm.models.contacts import names_join
from crm.selectors.contacts import (
    contact_queryset,
    contact_rows,
    contact_rows_complete,
    contacts_attach_consent,
)
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

    def get_fields(self):
        # One field per purpose, so a purpose added in crm.models is in every answer.
        return {
            purpose: serializers.BooleanField(allow_null=True) for purpose in ConsentPurpose.values
        }


def sector_source(*, sector: str, explicit: bool) -> str:
    """Where the sector comes from: pinned by hand, the affiliations, or nowhere yet."""
    if explicit:
        return "explicit"
    return "affiliation" if sector else "unknown"


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
        return sector_source(sector=contact.sector, explicit=contact.sector_explicit)


# The conversions ContactSerializer's fields make, for contact_row_answer.
_moment = serializers.DateTimeField()
_phone = PhoneField()
_topics = TopicsField()


def contact_row_answer(row: dict) -> dict:
    """One contact of a list, from a completed ``contact_rows`` row: what ContactSerializer
    answers for that contact, key for key.

    Lists build it by hand because REST framework's field-by-field rendering of a page of
    contacts (and of their affiliations and consent) takes longer than reading them from the
    database. tests/crm/api/test_contact_rows.py holds both answers equal, so the schema,
    generated from ContactSerializer, stays true for lists.
    """
    return {
        "id": row["id"],
        "given_name": row["given_name"],
        "family_name": row["family_name"],
        "patronymic": row["patronymic"],
        "full_name": names_join(row["given_name"], row["patronymic"], row["family_name"]),
        "email": row["email"],
        "phone": _phone.to_representation(row["phone"]),
        "city": row["city"],
        "language": row["language"],
        "sector": row["sector"],
        "sector_source": sector_source(sector=row["sector"], explicit=row["sector_explicit"]),
        "tags": _topics.to_representation(row["topics"]),
        "notes": row["notes"],
        "current_affiliations": [
            {
                "id": affiliation["id"],
                "organisation": affiliation["organisation_id"],
                "organisation_name": affiliation["organisation_name"],
                "position": affiliation["position"],
                "is_primary": affiliation["is_primary"],
            }
            for affiliation in row["current_affiliations"]
        ],
        "consent": row["consent"],
        "created": _moment.to_representation(row["created"]),
        "updated": _moment.to_representation(row["updated"]),
    }


class ContactViewSet(HistoryMixin, ServiceViewSet):
    """People: names in any script, e-mail, phone (E.164), sector, topics, consent state."""

    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    ordering_fields = ["family_name", "given_name", "city", "sector", "created", "updated"]
    ordering = ["family_name", "given_name", "id"]
    history_label = "contact"

    def get_queryset(self):
        return contact_queryset()

    def list(self, request, *args, **kwargs):
        # Plain rows rather than model instances and serializers: contact_row_answer says why.
        page = self.paginate_queryset(contact_rows(self.filter_queryset(Contact.objects.all())))
        contact_rows_complete(page)
        return self.get_paginated_response([contact_row_answer(row) for row in page])

    def create_object(self, data):
        return contact_create(**data)

    def update_object(self, instance, data):
        return contact_update(contact=instance, data=data)

    def decorate(self, objects):
        contacts_attach_consent(objects)

    def history_changes(self, instance):
        # A person's history spans their affiliations, participations and consents too.
        return contact_history(instance)
