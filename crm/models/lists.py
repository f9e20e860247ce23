from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import FieldRuleCheck, choices_check


class ContactListKind(models.TextChoices):
    MANUAL = "manual", _("Chosen by hand")
    LAPSED = "lapsed", _("Lapsed regulars")


class ContactList(models.Model):
    """A saved set of contacts: an audience for mailings, fixed when saved.

    A lapsed-regulars list, for instance, keeps the people who were lapsed on the day it
    was saved, even after some of them come back: an invitation campaign needs a stable
    audience.
    """

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ContactListKind.choices)
    description = models.TextField(_("description"), max_length=10_000, blank=True)
    # How the list was made (for a lapsed list: the snapshot and the number of forums missed).
    parameters = models.JSONField(default=dict, blank=True)
    members = models.ManyToManyField(
        "crm.Contact", through="ContactListMember", related_name="lists", blank=True
    )
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            choices_check("kind", ContactListKind),
            FieldRuleCheck(condition=~models.Q(name=""), name="contact_list_name_not_blank"),
        ]

    def __str__(self):
        return self.name


class ContactListMember(models.Model):
    contact_list = models.ForeignKey(ContactList, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey("crm.Contact", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact_list", "contact"], name="list_member_once")
        ]

    def __str__(self):
        return f"{self.contact_id} in list {self.contact_list_id}"
