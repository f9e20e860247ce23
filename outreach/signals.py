"""Delivery reports from an e-mail provider (through django-anymail's tracking webhooks)."""

from anymail.signals import tracking
from django.dispatch import receiver

from .services.consent import delivery_event_record


@receiver(tracking)
def provider_event(sender, event, esp_name, **kwargs):
    if event.event_type in ("bounced", "rejected") and event.recipient:
        delivery_event_record(
            email=event.recipient, kind="bounced", detail=str(event.description or "")
        )
    elif event.event_type == "complained" and event.recipient:
        delivery_event_record(
            email=event.recipient, kind="complained", detail=str(event.description or "")
        )
