from django.core.management.base import BaseCommand

from crm.services.demo import demo_load


class Command(BaseCommand):
    help = (
        "Load the WeAlmaty Dialogue Platform demo: the real programme, its twelve events and "
        "two working groups, with synthetic people. Safe to run again: it only adds what is "
        "missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2017, help="seed of the synthetic people")

    def handle(self, *args, seed, **options):
        created = demo_load(seed=seed)
        if not created:
            self.stdout.write("Demo already loaded: nothing to add.")
            return
        summary = ", ".join(f"{count} {kind}" for kind, count in sorted(created.items()))
        self.stdout.write(self.style.SUCCESS(f"Demo loaded: {summary}."))
