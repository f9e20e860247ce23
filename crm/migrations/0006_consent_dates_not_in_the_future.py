"""Consent records dated later than the moment they were entered (the admin used to accept
any date, the API five minutes ahead) outrank every withdrawal recorded before that date,
even once the date has passed. Each is re-dated to when it was entered, as its history
shows; records without history (bulk imports) were never dated by hand."""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery


def redate_consents_dated_after_their_entry(apps, schema_editor):
    Consent = apps.get_model("crm", "Consent")
    HistoricalConsent = apps.get_model("crm", "HistoricalConsent")
    entered = Subquery(
        HistoricalConsent.objects.filter(id=OuterRef("pk"), history_type="+")
        .order_by("history_date")
        .values("history_date")[:1]
    )
    ahead = list(
        Consent.objects.annotate(entered=entered)
        .filter(entered__isnull=False, recorded_at__gt=F("entered"))
        .values_list("pk", flat=True)
    )
    Consent.objects.filter(pk__in=ahead).update(recorded_at=entered)


class Migration(migrations.Migration):
    dependencies = [("crm", "0005_consent_sources_link_and_complaint")]

    operations = [
        migrations.RunPython(redate_consents_dated_after_their_entry, migrations.RunPython.noop)
    ]
