from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from core.names import search_key
from crm.normalisation import clean_spaces

from .choices import FieldRuleCheck, Language, Sector, choices_check


def names_join(given_name: str, patronymic: str, family_name: str) -> str:
    """A contact's full name: given name, patronymic, family name, the blank ones left out
    (also for lists that read the columns without building a Contact)."""
    return " ".join(p for p in (given_name, patronymic, family_name) if p)


class ContactTag(TaggedItemBase):
    """Topics on contacts, through a real foreign key rather than taggit's generic one."""

    content_object = models.ForeignKey("Contact", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="contact_tag_once")
        ]


class Contact(models.Model):
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    # Stored lower-cased, so a plain unique index makes addresses unique case-insensitively;
    # NULL (not "") when absent, which the unique index ignores.
    email = models.EmailField(
        _("e-mail"),
        max_length=254,
        null=True,
        blank=True,
        unique=True,
        error_messages={"unique": _("A contact with this e-mail address already exists.")},
    )
    phone = PhoneNumberField(_("phone"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.RUSSIAN
    )
    # The effective sector, stored so that filters, reports and graphs read one column.
    # Unless ``sector_explicit``, services keep it equal to the sector of the contact's
    # affiliations: the current primary one first, else another current one, else the most
    # recent past one (crm.services.contacts.contact_sector_refresh).
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    sector_explicit = models.BooleanField(default=False)
    tags = TaggableManager(_("topics"), through=ContactTag, blank=True)
    notes = models.TextField(_("notes"), max_length=10_000, blank=True)
    # Names folded to one ASCII spelling: search works across Cyrillic and Latin spellings.
    search_key = models.CharField(max_length=400, editable=False, default="")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["search_key"])

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        constraints = [
            FieldRuleCheck(
                condition=models.Q(email__isnull=True) | models.Q(email=Lower("email")),
                name="contact_email_lower_case",
            ),
            FieldRuleCheck(condition=~models.Q(email=""), name="contact_email_null_not_blank"),
            FieldRuleCheck(condition=~models.Q(given_name=""), name="contact_given_name_not_blank"),
            choices_check("sector", Sector, allow_blank=True),
            choices_check("language", Language),
        ]
        indexes = [
            models.Index(fields=["updated"]),  # ordering=-updated: "what changed lately"
            # The default order of every contact list: a page is an index range, not a sort.
            models.Index(fields=["family_name", "given_name", "id"]),
            models.Index(fields=["sector", "family_name", "given_name", "id"]),
            models.Index(fields=["city"]),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.normalise()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)

    def clean(self):
        if self.sector_explicit and not self.sector:
            raise ValidationError(
                {"sector": _("Choose the sector to pin, or let it follow the affiliations.")}
            )

    def clean_fields(self, exclude=None):
        # Tidy first, so " X@Y.org " is judged as the address it will be stored as.
        self.normalise()
        super().clean_fields(exclude=exclude)

    @property
    def full_name(self) -> str:
        return names_join(self.given_name, self.patronymic, self.family_name)

    def normalise(self) -> None:
        """Tidy what people type or paste, and recompute the search key."""
        self.given_name = clean_spaces(self.given_name)
        self.family_name = clean_spaces(self.family_name)
        self.patronymic = clean_spaces(self.patronymic)
        self.email = (self.email or "").strip().lower() or None
        self.search_key = search_key(self.given_name, self.family_name, self.patronymic)
