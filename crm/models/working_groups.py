from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import FieldRuleCheck, MembershipRole, WorkingGroupStatus, choices_check


class WorkingGroup(models.Model):
    """A lasting group born at a forum, e.g. the Almaty tourism-brand group of forum #7."""

    title = models.CharField(_("title"), max_length=255, unique=True)
    theme = models.CharField(_("theme"), max_length=255, blank=True)
    description = models.TextField(_("description"), max_length=10_000, blank=True)
    programme = models.ForeignKey(
        "crm.Programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="working_groups",
    )
    origin_forum = models.ForeignKey(
        "crm.Forum",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="working_groups_born",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=WorkingGroupStatus.choices,
        default=WorkingGroupStatus.FORMING,
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        constraints = [
            choices_check("status", WorkingGroupStatus),
            FieldRuleCheck(condition=~Q(title=""), name="working_group_title_not_blank"),
        ]

    def __str__(self):
        return self.title


class WorkingGroupMembership(models.Model):
    working_group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="memberships"
    )
    contact = models.ForeignKey(
        "crm.Contact", on_delete=models.CASCADE, related_name="working_group_memberships"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["working_group", "role", "joined_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["working_group", "contact"],
                condition=Q(left_on__isnull=True),
                name="membership_one_current_per_group",
                violation_error_message=_("This contact is already a member of this group."),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="membership_leaves_after_joining",
                violation_error_message=_("The leaving date cannot be before the joining date."),
            ),
            choices_check("role", MembershipRole),
        ]

    def __str__(self):
        return f"{self.contact} in {self.working_group}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None
