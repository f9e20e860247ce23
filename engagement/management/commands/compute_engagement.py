import datetime
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from core.jobs import SnapshotStatus
from crm.models import Forum
from engagement.models import EngagementSnapshot
from engagement.services import engagement_snapshot_compute


class Command(BaseCommand):
    help = (
        "Compute engagement now (as of today or a date). --history also computes it as of "
        "every past forum date that has no snapshot yet, so scores have a past to compare."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=datetime.date.fromisoformat, default=None)
        parser.add_argument("--history", action="store_true")
        parser.add_argument(
            "--if-missing", action="store_true", help="do nothing if a snapshot exists"
        )

    def handle(self, *args, as_of, history, if_missing, **options):
        done = EngagementSnapshot.objects.filter(status=SnapshotStatus.DONE)
        if if_missing and done.exists():
            self.stdout.write("Engagement already computed: nothing to do.")
            return
        dates = []
        if history:
            have = set(done.values_list("as_of", flat=True))
            past = Forum.objects.filter(date__lte=timezone.localdate()).values_list(
                "date", flat=True
            )
            dates = sorted(set(past) - have)
        dates.append(as_of or timezone.localdate())
        for date in dates:
            started = time.perf_counter()
            snapshot = engagement_snapshot_compute(as_of=date)
            self.stdout.write(
                f"Engagement as of {date}: {snapshot.sizes['contacts']:,} contacts, "
                f"{snapshot.sizes['participations']:,} participations "
                f"in {time.perf_counter() - started:.2f}s (snapshot #{snapshot.pk})"
            )
