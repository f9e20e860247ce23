"""Fixed vocabularies. Sectors are slugs that never change: reports and graphs key on them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    BUSINESS = "business", _("Business")
    ACADEMIA = "academia", _("Academia")
    MEDIA = "media", _("Media")
    INTERNATIONAL = "international", _("International and donors")
    OTHER = "other", _("Other")


# Someone whose sector is not known (none of their own, no organisation with one): blank, as
# the models store it, in every count, array and API answer keyed by sector; never folded
# into "other", which is a sector someone chose. Where sectors are listed as words (the
# sectors a broker connects) it is UNKNOWN_SECTOR_NAME, and on pages UNKNOWN_SECTOR_LABEL.
UNKNOWN_SECTOR = ""
UNKNOWN_SECTOR_NAME = "unknown"
UNKNOWN_SECTOR_LABEL = _("Sector unknown")


def sector_label(value: str) -> str:
    """A sector's label on a page, the unknown one included."""
    return Sector(value).label if value else UNKNOWN_SECTOR_LABEL


class Language(models.TextChoices):
    KAZAKH = "kk", _("Kazakh")
    RUSSIAN = "ru", _("Russian")
    ENGLISH = "en", _("English")


class ForumKind(models.TextChoices):
    FORUM = "forum", _("Forum")
    CONFERENCE = "conference", _("Conference")
    FESTIVAL = "festival", _("Festival")
    WORKSHOP = "workshop", _("Workshop")


class PartnerRole(models.TextChoices):
    HOST = "host", _("Host")
    PARTNER = "partner", _("Partner")
    FUNDER = "funder", _("Funder")
    VENUE = "venue", _("Venue")


class DocumentKind(models.TextChoices):
    PROGRAMME = "programme", _("Programme")
    PROTOCOL = "protocol", _("Discussion protocol")
    PRESS_RELEASE = "press_release", _("Press release")
    OTHER = "other", _("Other")


class ParticipationRole(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    SPEAKER = "speaker", _("Speaker")
    MODERATOR = "moderator", _("Moderator")
    ORGANISER = "organiser", _("Organiser")
    PARTNER = "partner", _("Partner")


class ParticipationStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("Waitlisted")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


class WorkingGroupStatus(models.TextChoices):
    FORMING = "forming", _("Forming")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class MembershipRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MEMBER = "member", _("Member")


class ConsentPurpose(models.TextChoices):
    FORUM_UPDATES = "forum_updates", _("Forum updates")
    WORKING_GROUP = "working_group", _("Working-group invitations")


class ConsentSource(models.TextChoices):
    FORM = "form", _("Form")
    IMPORT = "import", _("Import")
    IN_PERSON = "in_person", _("In person")
    # Withdrawals recorded by the outreach: the one-click link, a complaint to the provider.
    LINK = "link", _("Unsubscribe link")
    COMPLAINT = "complaint", _("Spam complaint")

    @classmethod
    def recordable(cls) -> list[tuple[str, str]]:
        """The sources a person can state: the other two are only ever recorded by the
        outreach itself, for a withdrawal it received."""
        return [(value, label) for value, label in cls.choices if value not in WITHDRAWAL_ONLY]


WITHDRAWAL_ONLY = (ConsentSource.LINK, ConsentSource.COMPLAINT)


class FieldRuleCheck(models.CheckConstraint):
    """A CHECK constraint for a rule that field validation already enforces in Python
    (choices, non-blank, lower case).

    The database keeps the rule true for writes that skip model validation (bulk loads, raw
    SQL); ``full_clean`` does not ask the database again, which would cost one query per
    rule on every save.
    """

    def validate(self, model, instance, exclude=None, using=None):
        return None


def choices_check(field: str, choices: type[models.TextChoices], *, allow_blank=False):
    """A CHECK constraint that keeps a choice column inside its vocabulary at the database."""
    values = list(choices.values) + ([""] if allow_blank else [])
    return FieldRuleCheck(
        condition=models.Q(**{f"{field}__in": values}),
        name=f"%(app_label)s_%(class)s_{field}_valid",
    )
