"""A change of attendance or membership queues a (debounced) engagement recompute."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from crm.models import Participation, WorkingGroupMembership

from .services import engagement_recompute_schedule


@receiver(post_save, sender=Participation)
@receiver(post_delete, sender=Participation)
@receiver(post_save, sender=WorkingGroupMembership)
@receiver(post_delete, sender=WorkingGroupMembership)
def attendance_changed(sender, **kwargs):
    engagement_recompute_schedule()
