from django.db.models import Count
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action

from crm.models import Contact, ContactList
from crm.selectors.contacts import contact_rows, contact_rows_complete
from crm.services.lists import contact_list_create

from .contacts import ContactSerializer, contact_row_answer


class ContactListSerializer(serializers.ModelSerializer):
    size = serializers.SerializerMethodField()
    contacts = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(),
        many=True,
        write_only=True,
        required=False,
        help_text="The members, fixed when the list is saved.",
    )

    class Meta:
        model = ContactList
        fields = ["id", "name", "kind", "description", "parameters", "size", "contacts", "created"]
        read_only_fields = ["kind", "parameters", "created"]

    def get_size(self, contact_list) -> int:
        annotated = getattr(contact_list, "size", None)  # lists come annotated
        return annotated if annotated is not None else contact_list.members.count()


class ContactListViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Saved audiences: chosen by hand here, or lapsed regulars saved from engagement."""

    serializer_class = ContactListSerializer
    ordering_fields = ["created", "name"]
    ordering = ["-created", "-id"]

    def get_queryset(self):
        return ContactList.objects.annotate(size=Count("members"))

    def perform_create(self, serializer):
        data = serializer.validated_data
        created = contact_list_create(
            name=data["name"],
            description=data.get("description", ""),
            contacts=data.get("contacts", []),
            created_by=self.request.user,
        )
        serializer.instance = self.get_queryset().get(pk=created.pk)

    @extend_schema(responses=ContactSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def members(self, request, pk=None):
        """The list's contacts, paginated like the contacts endpoint."""
        contact_list = self.get_object()
        members = Contact.objects.filter(lists=contact_list).order_by(
            "family_name", "given_name", "id"
        )
        page = self.paginate_queryset(contact_rows(members))
        contact_rows_complete(page)
        return self.get_paginated_response([contact_row_answer(row) for row in page])
