import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm.documents import validate_document_file

from .choices import DocumentKind, FieldRuleCheck, ForumKind, PartnerRole, Sector, choices_check


def validate_sector_targets(value) -> None:
    """Known sectors mapped to minimum shares between 0 and 1 that add up to at most 1."""
    if not isinstance(value, dict):
        raise ValidationError(_("Give the targets as {sector: minimum share}."))
    unknown = sorted(set(value) - set(Sector.values))
    if unknown:
        raise ValidationError(
            _("Unknown sectors: %(sectors)s.") % {"sectors": ", ".join(map(str, unknown))}
        )
    for sector, share in value.items():
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
            raise ValidationError(
                _("The share for %(sector)s must be a number from 0 to 1.") % {"sector": sector}
            )
    if sum(value.values()) > 1 + 1e-9:
        raise ValidationError(_("The minimum shares add up to more than 100%."))


YEAR_RANGE = (1900, 2200)
YEAR_VALIDATORS = [MinValueValidator(YEAR_RANGE[0]), MaxValueValidator(YEAR_RANGE[1])]
DATE_VALIDATORS = [
    MinValueValidator(datetime.date(YEAR_RANGE[0], 1, 1)),
    MaxValueValidator(datetime.date(YEAR_RANGE[1], 12, 31)),
]


class Programme(models.Model):
    """A series of forums under one name and funder, e.g. the WeAlmaty Dialogue Platform."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    funder = models.ForeignKey(
        "crm.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funded_programmes",
    )
    start_year = models.PositiveSmallIntegerField(
        _("start year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    description = models.TextField(_("description"), max_length=10_000, blank=True)
    # The mix the coordinators aim for at each forum and working group, as minimum shares:
    # {"government": 0.15, "civil_society": 0.15, "business": 0.15}.
    sector_targets = models.JSONField(
        _("sector targets"), default=dict, blank=True, validators=[validate_sector_targets]
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=F("start_year")),
                name="programme_ends_after_start",
                violation_error_message=_("The end year cannot be before the start year."),
            ),
            FieldRuleCheck(
                condition=Q(start_year__isnull=True) | Q(start_year__range=YEAR_RANGE),
                name="programme_start_year_plausible",
            ),
            FieldRuleCheck(
                condition=Q(end_year__isnull=True) | Q(end_year__range=YEAR_RANGE),
                name="programme_end_year_plausible",
            ),
        ]

    def __str__(self):
        return self.name


class Forum(models.Model):
    """One event of a series: a forum, conference, festival or workshop on one day."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, null=True, blank=True, related_name="forums"
    )
    number = models.PositiveSmallIntegerField(_("number in the series"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=ForumKind.choices, default="forum")
    date = models.DateField(_("date"), validators=DATE_VALIDATORS)
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    objective = models.TextField(_("objective"), max_length=10_000, blank=True)
    outcome = models.TextField(_("outcome"), max_length=10_000, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)],
    )
    partners = models.ManyToManyField(
        "crm.Organisation", through="ForumPartner", related_name="partnered_forums", blank=True
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"],
                condition=Q(number__isnull=False),
                name="forum_number_unique_in_programme",
                violation_error_message=_("This programme already has a forum with this number."),
            ),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True)
                | Q(end_time__isnull=True)
                | Q(end_time__gt=F("start_time")),
                name="forum_ends_after_start",
                violation_error_message=_("The end time must be after the start time."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                name="forum_capacity_positive",
            ),
            FieldRuleCheck(condition=~Q(title=""), name="forum_title_not_blank"),
            choices_check("kind", ForumKind),
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self):
        prefix = f"#{self.number} " if self.number else ""
        return f"{prefix}{self.title} ({self.date:%d.%m.%Y})"


class ForumPartner(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="partner_links")
    organisation = models.ForeignKey(
        "crm.Organisation", on_delete=models.PROTECT, related_name="forum_partner_links"
    )
    role = models.CharField(_("role"), max_length=20, choices=PartnerRole.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["forum", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["forum", "organisation", "role"], name="forum_partner_role_once"
            ),
            choices_check("role", PartnerRole),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"


def forum_document_path(instance, filename):
    return f"forums/{instance.forum_id}/{filename}"


class ForumDocument(models.Model):
    """A programme, protocol or press release: an uploaded file or a link, never both."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=255, blank=True)
    file = models.FileField(
        _("file"),
        upload_to=forum_document_path,
        max_length=255,
        blank=True,
        validators=[validate_document_file],
    )
    url = models.URLField(_("URL"), max_length=500, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["forum", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="forum_document_file_xor_url",
                violation_error_message=_("Give either a file or a URL, not both."),
            ),
            choices_check("kind", DocumentKind),
        ]

    def __str__(self):
        return self.title or self.get_kind_display()
