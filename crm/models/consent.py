import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import WITHDRAWAL_ONLY, ConsentPurpose, ConsentSource, choices_check


class Consent(models.Model):
    """One recorded statement of consent for a purpose, or of its withdrawal.

    Records are only ever added: a withdrawal is a new row with ``granted=False``. The state
    for a contact and purpose is the latest row (by ``recorded_at``, then id); no row means
    no consent. Records are never edited (the API and admin refuse it); they go only with
    the person they belong to, when a coordinator deletes that contact, and the history
    table keeps a copy of each with who deleted it.

    A withdrawal must always win, so no record may be dated in the future: one dated
    tomorrow would outrank today's unsubscribe for good. Every record is therefore dated
    now or earlier, and a withdrawal recorded now outranks whatever came before it, while a
    grant imported later with its true, older date does not revive consent withdrawn since.
    """

    contact = models.ForeignKey("crm.Contact", on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    granted = models.BooleanField(_("granted"))
    source = models.CharField(_("source"), max_length=20, choices=ConsentSource.choices)
    text_version = models.CharField(_("text version"), max_length=50, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            choices_check("purpose", ConsentPurpose),
            choices_check("source", ConsentSource),
        ]
        indexes = [models.Index(fields=["contact", "purpose", "-recorded_at", "-id"])]

    def __str__(self):
        verb = "granted" if self.granted else "withdrew"
        return f"{self.contact} {verb} {self.purpose} on {self.recorded_at:%Y-%m-%d}"

    def clean(self):
        errors = {}
        if self.recorded_at is not None:
            # No slack for a client's clock either: see the class docstring.
            if self.recorded_at > timezone.now():
                errors["recorded_at"] = _("Consent cannot be recorded in the future.")
            elif self.recorded_at < earliest_consent_date():
                errors["recorded_at"] = _(
                    "Consent cannot be dated before %(date)s: check the year."
                ) % {"date": earliest_consent_date().date().isoformat()}
        if self.source in WITHDRAWAL_ONLY and self.granted:
            errors["source"] = _("This source only ever records a withdrawal.")
        if errors:
            raise ValidationError(errors)


def earliest_consent_date() -> datetime.datetime:
    """Before this, a date is a typing or import mistake (1900, 1970), not a consent given
    in the programmes' era (CONSENT_EARLIEST_YEAR)."""
    return datetime.datetime(settings.CONSENT_EARLIEST_YEAR, 1, 1, tzinfo=datetime.UTC)
