from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Affiliation(models.Model):
    """A contact's tie to an organisation over a span of time.

    Current means ``end_date`` is empty. Ending an affiliation sets the date and keeps the row,
    so the history of who worked where (and whom they represented at a forum) survives.
    """

    contact = models.ForeignKey(
        "crm.Contact", on_delete=models.CASCADE, related_name="affiliations"
    )
    organisation = models.ForeignKey(
        "crm.Organisation", on_delete=models.PROTECT, related_name="affiliations"
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = [F("end_date").desc(nulls_first=True), "-is_primary", "-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact"],
                condition=Q(is_primary=True, end_date__isnull=True),
                name="affiliation_one_current_primary",
                violation_error_message=_(
                    "This contact already has a current primary affiliation."
                ),
            ),
            models.UniqueConstraint(
                fields=["contact", "organisation"],
                condition=Q(end_date__isnull=True),
                name="affiliation_one_current_per_organisation",
                violation_error_message=_(
                    "This contact already has a current affiliation with this organisation."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="affiliation_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        return f"{self.contact} – {self.organisation}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None
