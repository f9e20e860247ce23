from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import ParticipationRole, ParticipationStatus, choices_check


class Participation(models.Model):
    """A contact's part in one forum: invited, registered, attended... and in what role."""

    contact = models.ForeignKey(
        "crm.Contact", on_delete=models.CASCADE, related_name="participations"
    )
    forum = models.ForeignKey("crm.Forum", on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=ParticipationRole.choices,
        default=ParticipationRole.PARTICIPANT,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ParticipationStatus.choices,
        default=ParticipationStatus.REGISTERED,
    )
    # Whom the contact represented at this forum. People change jobs; the network analysis
    # needs the organisation of the day, not today's.
    organisation = models.ForeignKey(
        "crm.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["forum__date", "forum_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "forum"],
                name="participation_once_per_forum",
                violation_error_message=_("This contact is already recorded at this forum."),
            ),
            choices_check("role", ParticipationRole),
            choices_check("status", ParticipationStatus),
        ]
        indexes = [
            # Attendance edges are read per status (network, engagement) and per forum.
            models.Index(fields=["status", "forum", "contact"]),
            models.Index(fields=["forum", "status"]),
            models.Index(fields=["updated"]),
        ]

    def __str__(self):
        return f"{self.contact} @ {self.forum} ({self.status})"
