from rest_framework import serializers

from crm.models import ConsentPurpose, Contact, Language, WorkingGroup
from outreach.audience import Audience, AudienceError, audience_parse
from outreach.models import (
    EmailHold,
    FollowUp,
    Invitation,
    Mailing,
    MessageTemplate,
    OutboxMessage,
)


class TranslationSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=Language.choices)
    subject = serializers.CharField(max_length=300)
    body_text = serializers.CharField(max_length=50_000)
    body_html = serializers.CharField(max_length=200_000, required=False, allow_blank=True)


class MessageTemplateSerializer(serializers.ModelSerializer):
    translations = TranslationSerializer(many=True)

    class Meta:
        model = MessageTemplate
        fields = ["id", "name", "purpose", "translations", "created", "updated"]


class MailingSerializer(serializers.ModelSerializer):
    template = serializers.PrimaryKeyRelatedField(queryset=MessageTemplate.objects.all())
    audience = serializers.JSONField(
        help_text='Exactly one of: {"forum": id, "status": [...], "role": [...], '
        '"sector": [...]}, {"working_group": id, "invitees": bool}, {"contacts": [id, ...]}, '
        '{"contact_list": id}, {"lapsed": {"missed": n}}.'
    )
    counts = serializers.SerializerMethodField()

    class Meta:
        model = Mailing
        fields = [
            "id",
            "name",
            "purpose",
            "template",
            "audience",
            "forum",
            "working_group",
            "status",
            "send_at",
            "counts",
            "created",
            "started",
            "finished",
        ]
        read_only_fields = [
            "forum",
            "working_group",
            "status",
            "send_at",
            "created",
            "started",
            "finished",
        ]

    def get_counts(self, mailing) -> dict:
        return self.context.get("counts", {}).get(mailing.pk, {})

    def validate_audience(self, value) -> Audience:
        try:
            return audience_parse(value)
        except AudienceError as error:
            raise serializers.ValidationError(error.messages) from error


class RecipientSerializer(serializers.Serializer):
    contact = serializers.IntegerField(source="contact_id")
    name = serializers.CharField()
    email = serializers.CharField()
    language = serializers.CharField()
    reason = serializers.CharField(help_text="Why left out; empty when the message is sent.")


class RecipientPageSerializer(serializers.Serializer):
    """A page of recipients with the counts of the whole audience (documentation only)."""

    summary = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="How many will receive it (will_receive) and how many are left out, by reason.",
    )
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = RecipientSerializer(many=True)


class OutboxSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="contact.full_name")

    class Meta:
        model = OutboxMessage
        fields = [
            "id",
            "contact",
            "name",
            "email",
            "language",
            "status",
            "reason",
            "attempts",
            "last_error",
            "message_id",
            "sent_at",
        ]


class ScheduleSerializer(serializers.Serializer):
    send_at = serializers.DateTimeField(required=False)
    days_after_forum = serializers.IntegerField(required=False, min_value=0, max_value=365)


class PreviewRequestSerializer(serializers.Serializer):
    contact = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.all())


class PreviewSerializer(serializers.Serializer):
    language = serializers.CharField()
    subject = serializers.CharField()
    body_text = serializers.CharField()
    body_html = serializers.CharField()


class InvitationSerializer(serializers.ModelSerializer):
    contact_name = serializers.CharField(source="contact.full_name", read_only=True)
    working_group_title = serializers.CharField(source="working_group.title", read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "working_group",
            "working_group_title",
            "contact",
            "contact_name",
            "status",
            "created",
            "answered_at",
            "mailing",
            "reminder_mailing",
        ]
        read_only_fields = fields


class InvitationsSentSerializer(serializers.Serializer):
    """The answer to inviting (documentation only: the view builds it directly)."""

    mailing = serializers.IntegerField(
        allow_null=True, help_text="The mailing that sends them; null when no one was invited."
    )
    invitations = InvitationSerializer(many=True)
    skipped = serializers.DictField(
        child=serializers.CharField(), help_text="Contact id -> why not invited."
    )


class InviteSerializer(serializers.Serializer):
    working_group = serializers.PrimaryKeyRelatedField(queryset=WorkingGroup.objects.all())
    contacts = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), many=True, allow_empty=False
    )
    template = serializers.PrimaryKeyRelatedField(
        queryset=MessageTemplate.objects.filter(purpose=ConsentPurpose.WORKING_GROUP)
    )


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = ["id", "forum", "template", "days_after", "enabled", "mailing"]
        read_only_fields = ["mailing"]
        # The service takes every setting; a new follow-up gets the model's defaults.
        extra_kwargs = {
            "days_after": {
                "default": FollowUp._meta.get_field("days_after").default,
                "max_value": 365,
            },
            "enabled": {"default": FollowUp._meta.get_field("enabled").default},
        }


class EmailHoldSerializer(serializers.ModelSerializer):
    class Meta:
        model = EmailHold
        fields = ["id", "email", "hard_bounces", "complaints", "held", "last_event", "note"]
        read_only_fields = ["email", "hard_bounces", "complaints", "last_event"]
