"""A change of attendance queues a (debounced) network recompute."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from crm.models import Participation

from .services import network_recompute_schedule


@receiver(post_save, sender=Participation)
@receiver(post_delete, sender=Participation)
def participation_changed(sender, instance: Participation, **kwargs):
    network_recompute_schedule()
