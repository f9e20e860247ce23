"""Mailings, their frozen outbox, templates, working-group invitations and follow-ups.

Exactly-once comes from the database, not from the broker: every message is one outbox row
(unique per mailing and contact) that a worker claims with a lease before sending and marks
sent in its own commit right after the SMTP server accepts it.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm.models import ConsentPurpose, Language
from crm.models.choices import choices_check


class MessageTemplate(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [choices_check("purpose", ConsentPurpose)]

    def __str__(self):
        return self.name


class TemplateTranslation(models.Model):
    """One language version. Subject and bodies use Django's template language with the
    fields listed in outreach.rendering.FIELDS; unknown fields are refused at save time."""

    template = models.ForeignKey(
        MessageTemplate, on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("plain-text body"), max_length=50_000)
    body_html = models.TextField(_("HTML body"), max_length=200_000, blank=True)

    class Meta:
        ordering = ["template", "language"]
        constraints = [
            models.UniqueConstraint(fields=["template", "language"], name="translation_once"),
            choices_check("language", Language),
        ]

    def __str__(self):
        return f"{self.template} ({self.language})"


class MailingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Mailing(models.Model):
    name = models.CharField(_("name"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    template = models.ForeignKey(MessageTemplate, on_delete=models.PROTECT, related_name="+")
    # Who receives it, as given: {"forum": id, "status": [...], "role": [...], "sector": [...]},
    # {"working_group": id, "invitees": bool}, {"contacts": [ids]}, {"contact_list": id},
    # {"lapsed": {"missed": n}}. Frozen into the outbox when sending starts.
    audience = models.JSONField(default=dict)
    # The forum or working group the message is about (for its fields and follow-ups).
    forum = models.ForeignKey(
        "crm.Forum", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    working_group = models.ForeignKey(
        "crm.WorkingGroup", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=MailingStatus.choices, default=MailingStatus.DRAFT
    )
    send_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            choices_check("status", MailingStatus),
            choices_check("purpose", ConsentPurpose),
        ]
        indexes = [models.Index(fields=["status", "send_at"])]

    def __str__(self):
        return self.name


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SUPPRESSED = "suppressed", _("Suppressed")
    BOUNCED = "bounced", _("Bounced")


class SuppressionReason(models.TextChoices):
    NO_EMAIL = "no_email", _("No e-mail address")
    NO_CONSENT = "no_consent", _("No consent for this purpose")
    OPTED_OUT = "opted_out", _("Opted out")
    ON_HOLD = "on_hold", _("Address on hold after bounces")
    DUPLICATE = "duplicate", _("Same address as another recipient")
    CANCELLED = "cancelled", _("Mailing cancelled")


def new_message_id() -> str:
    domain = settings.OUTREACH_MESSAGE_ID_DOMAIN
    return f"<{uuid.uuid4().hex}@{domain}>"


class OutboxMessage(models.Model):
    """One message of one mailing to one contact. Its Message-ID never changes, so a
    resend after a crash is recognisably the same message to the recipient's mail client."""

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="outbox")
    contact = models.ForeignKey("crm.Contact", on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(max_length=254, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices)
    status = models.CharField(
        max_length=20, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED
    )
    reason = models.CharField(max_length=20, choices=SuppressionReason.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=1000, blank=True)
    message_id = models.CharField(max_length=255, unique=True, default=new_message_id)
    # A claim: a worker sending this row holds it until ``lease_until``; a crashed worker's
    # claim expires and the row is sent again (with the same Message-ID).
    lease_until = models.DateTimeField(null=True, blank=True)
    # Which claim holds the row: a worker that outlived its lease must not send or record a
    # row another worker has taken since.
    claim = models.CharField(max_length=32, blank=True, default="")
    not_before = models.DateTimeField(null=True, blank=True)  # retry backoff
    sent_at = models.DateTimeField(null=True, blank=True)
    # The invitation this message carries (working-group invitations and reminders).
    invitation = models.ForeignKey(
        "outreach.Invitation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["mailing", "id"]
        constraints = [
            models.UniqueConstraint(fields=["mailing", "contact"], name="outbox_once_per_contact"),
            choices_check("status", OutboxStatus),
        ]
        indexes = [
            models.Index(fields=["mailing", "status", "not_before"]),
            models.Index(
                fields=["lease_until"],
                name="outbox_sending_lease",
                condition=Q(status=OutboxStatus.SENDING),
            ),
        ]

    def __str__(self):
        return f"{self.message_id} to {self.email or self.contact_id} ({self.status})"


class EmailHold(models.Model):
    """Bounce bookkeeping per address; ``held`` addresses get nothing until released."""

    email = models.EmailField(max_length=254, unique=True)
    hard_bounces = models.PositiveIntegerField(default=0)
    complaints = models.PositiveIntegerField(default=0)
    held = models.BooleanField(default=False)
    last_event = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return f"{self.email}{' (held)' if self.held else ''}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Invitation(models.Model):
    working_group = models.ForeignKey(
        "crm.WorkingGroup", on_delete=models.CASCADE, related_name="invitations"
    )
    contact = models.ForeignKey("crm.Contact", on_delete=models.CASCADE, related_name="invitations")
    status = models.CharField(
        max_length=20, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    mailing = models.ForeignKey(
        Mailing, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    reminder_mailing = models.ForeignKey(
        Mailing, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # Every invitation and answer stays in the contact's history.
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["working_group", "contact"],
                condition=Q(status=InvitationStatus.PENDING),
                name="one_pending_invitation",
                violation_error_message=_("This contact already has a pending invitation."),
            ),
            choices_check("status", InvitationStatus),
        ]

    def __str__(self):
        return f"{self.contact_id} to {self.working_group_id} ({self.status})"


class FollowUp(models.Model):
    """A forum's follow-up: N days after its date, one mailing to those who attended."""

    forum = models.OneToOneField("crm.Forum", on_delete=models.CASCADE, related_name="follow_up")
    template = models.ForeignKey(MessageTemplate, on_delete=models.PROTECT, related_name="+")
    # A year at most, as a mailing's days_after_forum: beyond that no date can be computed
    # on every database (SQLite would take a billion and then stop every follow-up).
    days_after = models.PositiveSmallIntegerField(default=3, validators=[MaxValueValidator(365)])
    enabled = models.BooleanField(default=True)
    # Set once, in the transaction that creates the mailing: a restarted scheduler finds it
    # set and sends nothing more.
    mailing = models.OneToOneField(
        Mailing, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self):
        return f"follow-up of {self.forum_id} after {self.days_after} days"
