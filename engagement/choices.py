"""Engagement's own vocabulary (the participation and membership vocabularies are crm's)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The most forums a "missed the last N forums" question may name, wherever it is asked (the
# API, the pages, a mailing's audience): beyond any platform's history, below overflow.
LAPSED_MISSED_MAX = 1000


class EngagementLevel(models.TextChoices):
    """In the order scoring numbers them (engagement.scoring.LEVELS)."""

    CORE = "core", _("Core")
    REGULAR = "regular", _("Regular")
    OCCASIONAL = "occasional", _("Occasional")
    NEW = "new", _("New")
    LAPSED = "lapsed", _("Lapsed")
