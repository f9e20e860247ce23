"""Consent records dated in the future (the admin used to accept them) outrank every later
withdrawal. Each is re-dated to when it was actually recorded, as its history shows."""

from django.db import migrations
from django.utils import timezone


def redate_future_consents(apps, schema_editor):
    Consent = apps.get_model("crm", "Consent")
    HistoricalConsent = apps.get_model("crm", "HistoricalConsent")
    now = timezone.now()
    for consent in Consent.objects.filter(recorded_at__gt=now).only("pk", "recorded_at"):
        created = (
            HistoricalConsent.objects.filter(id=consent.pk, history_type="+")
            .order_by("history_date")
            .values_list("history_date", flat=True)
            .first()
        )
        consent.recorded_at = min(created or now, now)
        consent.save(update_fields=["recorded_at"])


class Migration(migrations.Migration):
    dependencies = [("crm", "0005_consent_sources_link_and_complaint")]

    operations = [migrations.RunPython(redate_future_consents, migrations.RunPython.noop)]
