import django_filters as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.filters import IdFilter
from core.viewsets import ServiceViewSet
from outreach.audience import mailing_audience
from outreach.models import (
    EmailHold,
    FollowUp,
    Invitation,
    InvitationStatus,
    Mailing,
    MailingStatus,
    MessageTemplate,
    OutboxMessage,
    OutboxStatus,
)
from outreach.selectors import outbox_counts, recipient_list, recipient_summary
from outreach.services.invitations import invitations_send
from outreach.services.mailings import (
    follow_up_set,
    mailing_cancel,
    mailing_create,
    mailing_preview,
    mailing_schedule,
    mailing_start,
    template_save,
)

from . import serializers as s


class MessageTemplateViewSet(ServiceViewSet):
    """Message templates: one version per language; errors are refused when saving."""

    serializer_class = s.MessageTemplateSerializer
    ordering_fields = ["name", "created"]
    ordering = ["name"]
    filterset_fields = ["purpose"]

    def get_queryset(self):
        return MessageTemplate.objects.prefetch_related("translations")

    def create_object(self, data):
        return template_save(**data)

    def update_object(self, instance, data):
        return template_save(
            template=instance,
            name=data.get("name", instance.name),
            purpose=data.get("purpose", instance.purpose),
            translations=data.get(
                "translations",
                instance.translations.values("language", "subject", "body_text", "body_html"),
            ),
        )


class MailingFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=MailingStatus.choices, distinct=False)
    forum = IdFilter(field_name="forum_id")
    working_group = IdFilter(field_name="working_group_id")

    class Meta:
        model = Mailing
        fields = ["status", "forum", "working_group", "purpose"]


class OutboxFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=OutboxStatus.choices, distinct=False)

    class Meta:
        model = OutboxMessage
        fields = ["status", "reason"]


class MailingViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Mailings: create (draft), see who would receive it and who is left out and why,
    preview for a contact, schedule or send, cancel, and follow the progress."""

    serializer_class = s.MailingSerializer
    filterset_class = MailingFilter
    ordering_fields = ["created", "started", "name"]
    ordering = ["-created", "-id"]

    def get_queryset(self):
        return Mailing.objects.all()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["counts"] = getattr(self, "_counts", {})
        return context

    def _with_counts(self, mailings):
        self._counts = outbox_counts(m.pk for m in mailings)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self._with_counts(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        mailing = self.get_object()
        self._with_counts([mailing])
        return Response(self.get_serializer(mailing).data)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = mailing_create(
            name=data["name"],
            purpose=data["purpose"],
            template=data["template"],
            audience=data["audience"],
            created_by=self.request.user,
        )
        self._with_counts([serializer.instance])

    @extend_schema(
        responses=s.RecipientPageSerializer,
        parameters=[
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def recipients(self, request, pk=None):
        """Before sending: who the audience selects, each with the reason if left out
        (no_email, no_consent, opted_out, on_hold, duplicate). ``summary`` counts them."""
        mailing = self.get_object()
        rows = recipient_list(audience=mailing_audience(mailing), purpose=mailing.purpose)
        page = self.paginate_queryset(rows)
        response = self.get_paginated_response(s.RecipientSerializer(page, many=True).data)
        response.data = {"summary": recipient_summary(rows).counts(), **response.data}
        return response

    @extend_schema(
        responses=s.OutboxSerializer(many=True),
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, many=True, enum=OutboxStatus.values),
            OpenApiParameter("reason", OpenApiTypes.STR),
        ],
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def outbox(self, request, pk=None):
        """After sending starts: every recipient's message and its status."""
        mailing = self.get_object()
        rows = self.filter_queryset_for(
            OutboxFilter, OutboxMessage.objects.filter(mailing=mailing).select_related("contact")
        )
        page = self.paginate_queryset(rows.order_by("pk"))
        return self.get_paginated_response(s.OutboxSerializer(page, many=True).data)

    def filter_queryset_for(self, filterset_class, queryset):
        filterset = filterset_class(self.request.query_params, queryset=queryset)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.qs

    @extend_schema(request=s.PreviewRequestSerializer, responses=s.PreviewSerializer)
    @action(detail=True, methods=["post"])
    def preview(self, request, pk=None):
        """The message a given contact would receive, in their language."""
        mailing = self.get_object()
        payload = s.PreviewRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        language, rendered = mailing_preview(
            mailing=mailing, contact=payload.validated_data["contact"]
        )
        return Response(
            {
                "language": language,
                "subject": rendered.subject,
                "body_text": rendered.body_text,
                "body_html": rendered.body_html,
            }
        )

    @extend_schema(request=s.ScheduleSerializer, responses=s.MailingSerializer)
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        payload = s.ScheduleSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        mailing = mailing_schedule(mailing=self.get_object(), **payload.validated_data)
        return self._answer(mailing)

    @extend_schema(request=None, responses={202: s.MailingSerializer})
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        """Freeze the audience into the outbox and start sending now."""
        mailing = mailing_start(mailing=self.get_object())
        return self._answer(mailing, status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses=s.MailingSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._answer(mailing_cancel(mailing=self.get_object()))

    def _answer(self, mailing, code=status.HTTP_200_OK):
        mailing.refresh_from_db()
        self._with_counts([mailing])
        return Response(self.get_serializer(mailing).data, status=code)


class InvitationFilter(filters.FilterSet):
    working_group = IdFilter(field_name="working_group_id")
    contact = IdFilter(field_name="contact_id")
    status = filters.MultipleChoiceFilter(choices=InvitationStatus.choices, distinct=False)

    class Meta:
        model = Invitation
        fields = ["working_group", "contact", "status"]


class InvitationViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Working-group invitations. POST invites one or many contacts in one mailing; the
    answers come back through signed accept/decline links."""

    serializer_class = s.InvitationSerializer
    filterset_class = InvitationFilter
    ordering_fields = ["created", "answered_at", "status"]
    ordering = ["-created", "-id"]

    def get_queryset(self):
        return Invitation.objects.select_related("contact", "working_group")

    @extend_schema(request=s.InviteSerializer, responses={201: s.InvitationsSentSerializer})
    def create(self, request, *args, **kwargs):
        payload = s.InviteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        mailing, invitations, skipped = invitations_send(
            working_group=payload.validated_data["working_group"],
            contacts=payload.validated_data["contacts"],
            template=payload.validated_data["template"],
            invited_by=request.user,
        )
        fresh = self.get_queryset().filter(pk__in=[i.pk for i in invitations])
        return Response(
            {
                "mailing": mailing.pk if mailing else None,
                "invitations": s.InvitationSerializer(fresh, many=True).data,
                "skipped": {str(k): v for k, v in skipped.items()},
            },
            status=status.HTTP_201_CREATED,
        )


class FollowUpViewSet(ServiceViewSet):
    """A forum's follow-up mailing, sent once, N days after the forum, to who attended."""

    serializer_class = s.FollowUpSerializer
    filterset_fields = ["forum", "enabled"]
    ordering = ["-id"]

    def get_queryset(self):
        return FollowUp.objects.all()

    def create_object(self, data):
        return follow_up_set(**data)

    def update_object(self, instance, data):
        return follow_up_set(
            forum=instance.forum,
            template=data.get("template", instance.template),
            days_after=data.get("days_after", instance.days_after),
            enabled=data.get("enabled", instance.enabled),
        )


class EmailHoldViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Addresses that bounced or complained; set ``held`` false to release one."""

    serializer_class = s.EmailHoldSerializer
    filterset_fields = ["held"]
    ordering = ["email"]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return EmailHold.objects.all()
