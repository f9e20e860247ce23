from django.core.management.base import BaseCommand, CommandError

from crm.models import Programme
from engagement.choices import EngagementLevel
from engagement.models import ContactEngagement
from engagement.selectors import (
    cohort_table,
    engagement_snapshot_select,
    forum_balance,
    lapsed_queryset,
    lapsed_rule,
)


class Command(BaseCommand):
    help = "Print the headline engagement figures of the latest snapshot."

    def handle(self, *args, **options):
        snapshot = engagement_snapshot_select()
        if snapshot is None:
            raise CommandError("No engagement snapshot: run `python manage.py compute_engagement`.")
        rows = ContactEngagement.objects.filter(snapshot=snapshot)
        came = rows.filter(forums_attended__gt=0)
        self.stdout.write(self.style.MIGRATE_HEADING(f"Engagement as of {snapshot.as_of}"))
        self.stdout.write(f"  contacts {rows.count():,}, of whom attended {came.count():,}")
        for level in EngagementLevel:
            self.stdout.write(f"  {level.label:<11} {came.filter(level=level).count():>7,}")
        self.stdout.write(
            self.style.MIGRATE_HEADING("Sectors (share of attendance: earlier → recent)")
        )
        for sector in snapshot.sectors.all():
            if sector.recent_share is None:
                continue
            self.stdout.write(
                f"  {(sector.sector or 'unknown'):<14} {sector.earlier_share:6.1%} → "
                f"{sector.recent_share:6.1%}  ({sector.drift:+.1%}), lapsed {sector.lapsed}"
            )
        missed = lapsed_rule(snapshot)["missed"]
        lapsed = lapsed_queryset(snapshot)
        self.stdout.write(self.style.MIGRATE_HEADING(f"Lapsed regulars (missed the last {missed})"))
        for row in lapsed[:10]:
            organisation = row.organisation.name if row.organisation else ""
            last = row.last_forum.title if row.last_forum else ""
            self.stdout.write(
                f"  {row.contact.full_name:<32} {row.forums_attended:>3} forums, last "
                f"{row.last_date} {last[:30]}  {organisation[:30]}"
            )
        self.stdout.write(f"  ... {lapsed.count():,} in all")
        for programme in Programme.objects.all()[:5]:
            table = cohort_table(programme=programme, as_of=snapshot.as_of)
            if len(table.forums) < 2 or not table.sizes[0]:
                continue
            first_cohort = table.returned[0, 1:] / table.sizes[0]
            balance = forum_balance(programme=programme, as_of=snapshot.as_of)
            rates = [r["returning_rate"] for r in balance if r["returning_rate"] is not None]
            self.stdout.write(self.style.MIGRATE_HEADING(programme.name))
            self.stdout.write(
                f"  first cohort ({table.sizes[0]} people) back at later forums: "
                + " ".join(f"{share:.0%}" for share in first_cohort[:12])
            )
            self.stdout.write(
                "  returning attendees by forum: " + " ".join(f"{rate:.0%}" for rate in rates[:12])
            )
            off = [r["title"][:25] for r in balance if not r["meets_targets"] and r["targets"]]
            if off:
                self.stdout.write(f"  below the target mix: {', '.join(off[:6])}")
