from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.names import search_key
from crm.normalisation import clean_spaces, organisation_name_key

from .choices import FieldRuleCheck, Sector, choices_check


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=255)
    # Two spellings that differ only in case, quotes or spacing are the same organisation:
    # the unique constraint sits on this key, not on the name as typed.
    name_key = models.CharField(max_length=255, unique=True, editable=False)
    search_key = models.CharField(max_length=600, editable=False, default="")
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    description = models.TextField(_("description"), max_length=10_000, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["name_key", "search_key"])

    class Meta:
        ordering = ["name"]
        constraints = [
            choices_check("sector", Sector),
            FieldRuleCheck(condition=~models.Q(name=""), name="organisation_name_not_blank"),
        ]
        indexes = [models.Index(fields=["sector"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.normalise()
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key", "search_key"}
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        self.normalise()
        super().clean_fields(exclude=exclude)

    def clean(self):
        self.normalise()
        twin = Organisation.objects.filter(name_key=self.name_key).exclude(pk=self.pk).first()
        if twin is not None:
            raise ValidationError(
                {
                    "name": _("An organisation with this name already exists: %(name)s.")
                    % {"name": twin.name}
                }
            )

    def normalise(self) -> None:
        self.name = clean_spaces(self.name)
        self.name_key = organisation_name_key(self.name)
        self.search_key = search_key(self.name)
