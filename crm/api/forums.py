from django.utils.translation import gettext as _
from rest_framework import serializers

from core.viewsets import ServiceViewSet
from crm.filters import ForumDocumentFilter, ForumFilter, ProgrammeFilter
from crm.models import Forum, ForumDocument, Organisation, PartnerRole, Programme
from crm.selectors.counts import forum_participation_counts, programme_forum_counts
from crm.services.forums import (
    forum_create,
    forum_delete,
    forum_document_create,
    forum_document_delete,
    forum_update,
    programme_create,
    programme_delete,
    programme_update,
)

from .history import HistoryMixin


class ProgrammeSerializer(serializers.ModelSerializer):
    forum_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "funder",
            "start_year",
            "end_year",
            "city",
            "description",
            "sector_targets",
            "forum_count",
            "created",
            "updated",
        ]


class ProgrammeViewSet(HistoryMixin, ServiceViewSet):
    """Series of forums, e.g. the WeAlmaty Dialogue Platform (2017–2020, funded by the EU)."""

    queryset = Programme.objects.all()
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilter
    ordering_fields = ["name", "start_year"]
    ordering = ["-start_year", "name"]
    history_label = "programme"

    def create_object(self, data):
        return programme_create(**data)

    def update_object(self, instance, data):
        return programme_update(programme=instance, data=data)

    def perform_destroy(self, instance):
        programme_delete(programme=instance)

    def decorate(self, objects):
        counts = programme_forum_counts(p.pk for p in objects)
        for programme in objects:
            programme.forum_count = counts.get(programme.pk, 0)


class ForumPartnerSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    role = serializers.ChoiceField(choices=PartnerRole.choices)


class ForumDocumentSerializer(serializers.ModelSerializer):
    link = serializers.SerializerMethodField()

    class Meta:
        model = ForumDocument
        fields = ["id", "forum", "kind", "title", "file", "url", "link", "created"]
        extra_kwargs = {"file": {"required": False}, "url": {"required": False}}

    def get_link(self, document) -> str:
        """Where to read the document: the uploaded file's URL or the external link."""
        if document.file:
            request = self.context.get("request")
            url = document.file.url
            return request.build_absolute_uri(url) if request else url
        return document.url

    def validate(self, attrs):
        has_file = bool(attrs.get("file"))
        has_url = bool(attrs.get("url"))
        if has_file == has_url:
            raise serializers.ValidationError(_("Give either a file or a URL, not both."))
        return attrs


class ForumSerializer(serializers.ModelSerializer):
    partners = ForumPartnerSerializer(
        source="partner_links", many=True, required=False, help_text="Replaces the whole list."
    )
    documents = ForumDocumentSerializer(many=True, read_only=True)
    participation_counts = serializers.DictField(
        child=serializers.IntegerField(), read_only=True, help_text="Participations by status."
    )

    class Meta:
        model = Forum
        fields = [
            "id",
            "programme",
            "number",
            "title",
            "kind",
            "date",
            "start_time",
            "end_time",
            "city",
            "venue",
            "objective",
            "outcome",
            "capacity",
            "partners",
            "documents",
            "participation_counts",
            "created",
            "updated",
        ]
        # Checked by the model's constraints in the service, with the same message.
        validators = []


class ForumViewSet(HistoryMixin, ServiceViewSet):
    """Forums, conferences, festivals and workshops, with partners and documents."""

    serializer_class = ForumSerializer
    filterset_class = ForumFilter
    ordering_fields = ["date", "number", "title", "city"]
    ordering = ["date", "id"]
    history_label = "forum"

    def get_queryset(self):
        return Forum.objects.prefetch_related(
            "documents",
            "partner_links__organisation",
        )

    def _partner_data(self, data):
        data = dict(data)
        if "partner_links" in data:
            data["partners"] = data.pop("partner_links")
        return data

    def create_object(self, data):
        return forum_create(**self._partner_data(data))

    def update_object(self, instance, data):
        return forum_update(forum=instance, data=self._partner_data(data))

    def perform_destroy(self, instance):
        forum_delete(forum=instance)

    def decorate(self, objects):
        counts = forum_participation_counts(f.pk for f in objects)
        for forum in objects:
            forum.participation_counts = counts.get(forum.pk, {})


class ForumDocumentViewSet(HistoryMixin, ServiceViewSet):
    """Programmes, protocols and press releases: upload a file (multipart) or give a URL."""

    queryset = ForumDocument.objects.all()
    serializer_class = ForumDocumentSerializer
    filterset_class = ForumDocumentFilter
    ordering_fields = ["created", "kind"]
    ordering = ["forum_id", "kind", "id"]
    http_method_names = ["get", "post", "delete", "head", "options"]
    history_label = "forum document"

    def create_object(self, data):
        return forum_document_create(**data)

    def perform_destroy(self, instance):
        forum_document_delete(document=instance)
