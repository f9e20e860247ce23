import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from core.jobs import SnapshotStatus
from crm.models import Forum, Programme
from network.models import NetworkSnapshot
from network.services import analysis_parameters, network_snapshot_compute


class Command(BaseCommand):
    help = "Compute a network snapshot now, in this process, showing progress."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=datetime.date.fromisoformat, default=None,
                            help="only forums on or before this date (YYYY-MM-DD)")  # fmt: skip
        parser.add_argument("--after-forum", type=int, default=None,
                            help="the network as it stood after this forum (id)")  # fmt: skip
        parser.add_argument("--programme", type=int, default=None, help="only this programme")
        parser.add_argument("--pivots", type=int, default=None, help="BFS pivots when sampling")
        parser.add_argument("--exact-limit", type=int, default=None)
        parser.add_argument("--plenary-cap", type=int, default=None)
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument(
            "--if-missing", action="store_true", help="do nothing if a snapshot exists"
        )

    def handle(self, *args, as_of, after_forum, programme, pivots, exact_limit, plenary_cap, seed,
               if_missing, **options):  # fmt: skip
        if if_missing and NetworkSnapshot.objects.filter(status=SnapshotStatus.DONE).exists():
            self.stdout.write("Network already computed: nothing to do.")
            return
        if after_forum is not None:
            forum = Forum.objects.filter(pk=after_forum).first()
            if forum is None:
                raise CommandError(f"No forum with id {after_forum}.")
            as_of = forum.date
        scope = None
        if programme is not None:
            scope = Programme.objects.filter(pk=programme).first()
            if scope is None:
                raise CommandError(f"No programme with id {programme}.")
        parameters = analysis_parameters(
            pivots=pivots, exact_limit=exact_limit, plenary_cap=plenary_cap, seed=seed
        )
        started = time.perf_counter()

        def progress(stage: str, percent: int) -> None:
            elapsed = time.perf_counter() - started
            self.stdout.write(f"[{elapsed:7.1f}s] {percent:3d}%  {stage}")

        snapshot = network_snapshot_compute(
            as_of=as_of, programme=scope, parameters=parameters, progress=progress
        )
        snapshot.refresh_from_db()
        sizes = snapshot.sizes
        self.stdout.write(
            self.style.SUCCESS(
                f"Snapshot #{snapshot.pk}: {sizes['contacts']:,} contacts, {sizes['ties']:,} ties, "
                f"{sizes['communities']} communities, {sizes['organisations']:,} organisations "
                f"in {time.perf_counter() - started:.1f}s."
            )
        )
