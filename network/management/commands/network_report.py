from django.core.management.base import BaseCommand, CommandError

from network.metrics import BrokerageRole
from network.selectors import actor_queryset, brokerage_sum, snapshot_select


class Command(BaseCommand):
    help = "Print the top actors and cross-sector brokers of the latest network snapshot."

    def add_arguments(self, parser):
        parser.add_argument("--snapshot", type=int, default=None)
        parser.add_argument("--top", type=int, default=15)

    def handle(self, *args, snapshot, top, **options):
        chosen = snapshot_select(snapshot_id=snapshot)
        if chosen is None:
            raise CommandError("No finished snapshot: run `python manage.py compute_network`.")
        sizes = chosen.sizes
        period = f"as of {chosen.as_of}" if chosen.as_of else "all forums"
        self.stdout.write(
            f"Snapshot #{chosen.pk} ({period}, finished {chosen.finished:%Y-%m-%d %H:%M}): "
            f"{sizes.get('contacts', 0):,} contacts, {sizes.get('ties', 0):,} ties, "
            f"{sizes.get('communities', 0)} communities\n"
        )
        actors = actor_queryset(chosen)
        self._table(
            "Top actors by betweenness",
            ["name", "sector", "organisation", "degree", "betweenness", "pagerank", "sectors"],
            [
                [a.contact.full_name, a.sector, a.organisation.name if a.organisation else "",
                 a.degree, f"{a.betweenness:.4f}", f"{a.pagerank:.5f}", a.sectors_reached]
                for a in actors.order_by("-betweenness", "contact_id")[:top]
            ],
        )  # fmt: skip
        brokers = (
            actors.annotate(brokerage=brokerage_sum())
            .filter(brokerage__gt=0)
            .order_by("-brokerage", "contact_id")[:top]
        )
        self._table(
            "Top cross-sector brokers",
            ["name", "sector", "brokerage", *BrokerageRole.values],
            [
                [b.contact.full_name, b.sector, b.brokerage]
                + [getattr(b, role) for role in BrokerageRole.values]
                for b in brokers
            ],
        )

    def _table(self, title, header, rows):
        self.stdout.write(self.style.MIGRATE_HEADING(title))
        cells = [header, *[[str(c) for c in row] for row in rows]]
        widths = [min(max(len(row[i]) for row in cells), 34) for i in range(len(header))]
        for index, row in enumerate(cells):
            line = "  ".join(
                (cell[: widths[i]].ljust(widths[i]) if i < 3 else cell.rjust(widths[i]))
                for i, cell in enumerate(row)
            )
            self.stdout.write(line)
            if index == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        self.stdout.write("")
