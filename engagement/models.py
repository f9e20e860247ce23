"""Stored engagement snapshots: per contact, per organisation, per sector. Each recompute
adds a snapshot, so a contact's score over time is the series of their rows."""

from django.db import models

from core.snapshots import Snapshot
from crm.models import ParticipationRole, Sector

from .choices import EngagementLevel


class EngagementSnapshot(Snapshot):
    """One computation of everyone's engagement. Queued first (``as_of`` empty means "the
    day it runs", and is filled in then), then built by a worker (core.snapshots)."""

    class Meta(Snapshot.Meta):
        ordering = ["-as_of", "-id"]
        indexes = [models.Index(fields=["status", "-as_of", "-id"])]

    def __str__(self):
        return f"Engagement as of {self.as_of} (#{self.pk})"


class EngagementColumns(models.Model):
    first_forum = models.ForeignKey(
        "crm.Forum", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    last_forum = models.ForeignKey(
        "crm.Forum", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    last_date = models.DateField(null=True)
    forums_attended = models.PositiveIntegerField()
    forums_counted = models.PositiveIntegerField(
        help_text="Forums they were invited to or registered for (waitlists excepted)."
    )
    attendance_rate = models.FloatField(null=True)
    # One count per participation role, named by its value: added below from crm's roles.
    held_since_first = models.PositiveIntegerField()
    missed_since_last = models.IntegerField(help_text="-1: never attended.")
    score = models.FloatField()
    level = models.CharField(max_length=20, choices=EngagementLevel.choices, blank=True)
    sector = models.CharField(max_length=20, choices=Sector.choices, blank=True)

    class Meta:
        abstract = True


# Forums attended in each participation role. From crm's vocabulary, so a role added there
# brings its column (and a migration) here rather than going uncounted.
for _role in ParticipationRole:
    EngagementColumns.add_to_class(_role.value, models.PositiveIntegerField(default=0))


class ContactEngagement(EngagementColumns):
    snapshot = models.ForeignKey(
        EngagementSnapshot, on_delete=models.CASCADE, related_name="contacts"
    )
    contact = models.ForeignKey("crm.Contact", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "crm.Organisation", on_delete=models.SET_NULL, null=True, related_name="+",
        help_text="The organisation of their latest attendance.",
    )  # fmt: skip
    memberships = models.PositiveIntegerField(default=0)
    memberships_current = models.PositiveIntegerField(default=0)
    membership_days = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-score", "contact_id"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "contact"], name="contact_engagement_once")
        ]
        indexes = [
            models.Index(fields=["snapshot", "-score"]),
            models.Index(fields=["snapshot", "level"]),
            models.Index(fields=["contact", "snapshot"]),
            # The lapsed list's order: the most regular first.
            models.Index(fields=["snapshot", "-forums_attended", "-last_date", "contact"]),
        ]

    def __str__(self):
        return f"contact {self.contact_id}: {self.level or 'never attended'} ({self.score:.2f})"


class OrganisationEngagement(EngagementColumns):
    """An organisation's engagement counts every forum any of its people represented it
    at: it stays engaged through staff turnover as long as someone keeps coming."""

    snapshot = models.ForeignKey(
        EngagementSnapshot, on_delete=models.CASCADE, related_name="organisations"
    )
    organisation = models.ForeignKey("crm.Organisation", on_delete=models.CASCADE, related_name="+")
    people = models.PositiveIntegerField(help_text="Everyone who ever represented it.")
    people_recent = models.PositiveIntegerField(
        help_text="Those who represented it at one of the last forums of its programmes."
    )

    class Meta:
        ordering = ["-score", "organisation_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "organisation"], name="organisation_engagement_once"
            )
        ]
        indexes = [models.Index(fields=["snapshot", "-score"])]

    def __str__(self):
        return f"organisation {self.organisation_id}: {self.level} ({self.score:.2f})"


class SectorEngagement(models.Model):
    snapshot = models.ForeignKey(
        EngagementSnapshot, on_delete=models.CASCADE, related_name="sectors"
    )
    sector = models.CharField(max_length=20, blank=True)
    contacts = models.PositiveIntegerField()
    attended = models.PositiveIntegerField(help_text="Contacts who attended at least once.")
    # Contacts at each level, one column per EngagementLevel: added below.
    mean_score = models.FloatField(null=True)
    attendance_rate = models.FloatField(null=True)
    recent_share = models.FloatField(
        null=True, help_text="Share of attendances at the latest forums of each programme."
    )
    earlier_share = models.FloatField(null=True, help_text="Share of attendances before those.")
    drift = models.FloatField(null=True, help_text="recent_share - earlier_share.")

    class Meta:
        ordering = ["sector"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "sector"], name="sector_engagement_once")
        ]

    def __str__(self):
        return f"{self.sector or 'unknown'} in engagement snapshot {self.snapshot_id}"


for _level in EngagementLevel:
    SectorEngagement.add_to_class(_level.value, models.PositiveIntegerField())
