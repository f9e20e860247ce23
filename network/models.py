"""Stored results of network analyses. A snapshot is never overwritten: each recompute adds
a new one, so a contact's position can be compared across time."""

from django.db import models

from core.snapshots import Snapshot
from crm.models import Sector


class NetworkSnapshot(Snapshot):
    """One computation of the whole network as of a date (or everything, if none)."""

    # The period: forums on or before ``as_of`` (all forums when empty), optionally only one
    # programme's.
    programme = models.ForeignKey(
        "crm.Programme", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta(Snapshot.Meta):
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["status", "-finished"])]

    def __str__(self):
        period = f"as of {self.as_of}" if self.as_of else "all forums"
        return f"Network snapshot #{self.pk} ({period}, {self.status})"


class MetricsColumns(models.Model):
    """What contacts and organisations share: position, sector bridging, brokerage."""

    degree = models.PositiveIntegerField()
    weighted_degree = models.FloatField()
    betweenness = models.FloatField()
    closeness = models.FloatField()
    pagerank = models.FloatField()
    community = models.PositiveIntegerField()
    constraint = models.FloatField(null=True)
    effective_size = models.FloatField(null=True)
    cross_sector_ties = models.PositiveIntegerField(null=True)
    sectors_reached = models.PositiveSmallIntegerField(null=True)
    ei_index = models.FloatField(null=True)
    coordinator = models.BigIntegerField(null=True)
    gatekeeper = models.BigIntegerField(null=True)
    representative = models.BigIntegerField(null=True)
    consultant = models.BigIntegerField(null=True)
    liaison = models.BigIntegerField(null=True)
    # Neighbours per sector, e.g. {"government": 12, "business": 3}.
    sector_ties = models.JSONField(default=dict)
    sector = models.CharField(max_length=20, choices=Sector.choices, blank=True)

    class Meta:
        abstract = True


# The metric columns, in the model's order: what the COPY writes and the API shows (the
# sector is written beside them, as the node's own attribute).
METRIC_COLUMNS = [f.name for f in MetricsColumns._meta.local_fields if f.name != "sector"]


class ActorMetrics(MetricsColumns):
    snapshot = models.ForeignKey(NetworkSnapshot, on_delete=models.CASCADE, related_name="actors")
    contact = models.ForeignKey("crm.Contact", on_delete=models.CASCADE, related_name="+")
    # The organisation represented at the contact's latest forum of the period.
    organisation = models.ForeignKey(
        "crm.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    forums_attended = models.PositiveIntegerField()

    class Meta:
        ordering = ["-betweenness", "contact_id"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "contact"], name="actor_once_per_snapshot")
        ]
        indexes = [
            models.Index(fields=["snapshot", "-betweenness"]),
            models.Index(fields=["snapshot", "sector"]),
            models.Index(fields=["snapshot", "community"]),
            models.Index(fields=["contact", "snapshot"]),
        ]

    def __str__(self):
        return f"contact {self.contact_id} in snapshot {self.snapshot_id}"


class OrganisationMetrics(MetricsColumns):
    snapshot = models.ForeignKey(
        NetworkSnapshot, on_delete=models.CASCADE, related_name="organisations"
    )
    organisation = models.ForeignKey("crm.Organisation", on_delete=models.CASCADE, related_name="+")
    people = models.PositiveIntegerField(help_text="People who represented it in the period.")
    people_active = models.PositiveIntegerField(
        help_text="Of those, people who came in the last year of the period."
    )

    class Meta:
        ordering = ["-betweenness", "organisation_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "organisation"], name="organisation_once_per_snapshot"
            )
        ]
        indexes = [models.Index(fields=["snapshot", "-betweenness"])]

    def __str__(self):
        return f"organisation {self.organisation_id} in snapshot {self.snapshot_id}"


class ForumGrowth(models.Model):
    snapshot = models.ForeignKey(NetworkSnapshot, on_delete=models.CASCADE, related_name="forums")
    forum = models.ForeignKey("crm.Forum", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveIntegerField(help_text="Chronological position in the period.")
    attendees = models.PositiveIntegerField()
    first_timers = models.PositiveIntegerField()
    returning = models.PositiveIntegerField()
    new_ties = models.PositiveIntegerField()
    new_cross_sector_ties = models.PositiveIntegerField()
    sectors_connected = models.JSONField(default=list)  # [["government", "business"], ...]
    contacts_so_far = models.PositiveIntegerField()
    ties_so_far = models.BigIntegerField()
    cross_sector_ties_so_far = models.BigIntegerField()

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "forum"], name="forum_once_per_snapshot")
        ]

    def __str__(self):
        return f"forum {self.forum_id} in snapshot {self.snapshot_id}"


class SectorLink(models.Model):
    """Ties between two sectors (or within one, when both are the same)."""

    snapshot = models.ForeignKey(
        NetworkSnapshot, on_delete=models.CASCADE, related_name="sector_links"
    )
    sector_a = models.CharField(max_length=20, blank=True)
    sector_b = models.CharField(max_length=20, blank=True)
    ties = models.BigIntegerField()
    density = models.FloatField()

    class Meta:
        ordering = ["sector_a", "sector_b"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "sector_a", "sector_b"], name="sector_link_once"
            )
        ]

    def __str__(self):
        return f"{self.sector_a}–{self.sector_b}: {self.ties}"


class SectorSummary(models.Model):
    snapshot = models.ForeignKey(
        NetworkSnapshot, on_delete=models.CASCADE, related_name="sector_summaries"
    )
    sector = models.CharField(max_length=20, blank=True)
    members = models.PositiveIntegerField()
    internal_ties = models.BigIntegerField()
    external_ties = models.BigIntegerField()
    ei_index = models.FloatField(null=True)
    density_within = models.FloatField()

    class Meta:
        ordering = ["sector"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "sector"], name="sector_summary_once")
        ]

    def __str__(self):
        return f"{self.sector or 'unknown'}: E-I {self.ei_index}"


class NetworkTie(models.Model):
    """One of the strongest ties of a snapshot, kept for drawing the network."""

    snapshot = models.ForeignKey(NetworkSnapshot, on_delete=models.CASCADE, related_name="ties")
    source = models.ForeignKey("crm.Contact", on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey("crm.Contact", on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField(help_text="Forums attended together.")
    newman_weight = models.FloatField(help_text="Newman's collaboration weight, Σ 1/(n_f − 1).")
    first_forum = models.ForeignKey("crm.Forum", on_delete=models.CASCADE, related_name="+")
    first_rank = models.PositiveIntegerField()

    class Meta:
        ordering = ["-weight", "-newman_weight", "id"]
        indexes = [models.Index(fields=["snapshot", "-weight", "-newman_weight"])]

    def __str__(self):
        return f"{self.source_id}–{self.target_id} ({self.weight:g})"
