import resource
import time

from django.core.management.base import BaseCommand, CommandError

from crm.services.scale_data import ScaleDataError, scale_data_generate


class Command(BaseCommand):
    help = (
        "Generate a synthetic national-scale network (programmes in ten cities, forums, "
        "contacts, organisations, participations, consents) with bulk inserts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--contacts", type=int, default=200_000)
        parser.add_argument("--forums", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--participations",
            type=int,
            default=None,
            help="total participations (default: 100 per forum)",
        )
        parser.add_argument(
            "--cities",
            type=int,
            default=None,
            help="number of cities, one programme each (default: 10; 1 for a city-scale network)",
        )

    def handle(self, *args, contacts, forums, seed, participations, cities, **options):
        started = time.perf_counter()

        def progress(message):
            elapsed = time.perf_counter() - started
            self.stdout.write(f"[{elapsed:7.1f}s] {message}")

        try:
            result = scale_data_generate(
                contacts=contacts,
                forums=forums,
                seed=seed,
                participations=participations,
                cities=cities,
                progress=progress,
            )
        except ScaleDataError as error:
            raise CommandError(str(error)) from error
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {result.contacts:,} contacts, {result.organisations:,} organisations, "
                f"{result.forums:,} forums, {result.participations:,} participations and "
                f"{result.consents:,} consents in {time.perf_counter() - started:.1f}s "
                f"(peak memory {peak_mb:,.0f} MB)."
            )
        )
