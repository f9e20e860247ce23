"""Who to invite into a working group, and why: a selector over the CRM, the pending
invitations and the latest network snapshot, ranked, each suggestion with its reasons."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from crm.models import Participation, ParticipationStatus, Sector, WorkingGroup
from network.models import ActorMetrics
from network.selectors import snapshot_select

from .models import Invitation, InvitationStatus

# Sectors a city-wide working group is expected to bring together.
EXPECTED = [s for s in Sector.values if s != Sector.OTHER]


@dataclass
class Candidate:
    contact: object
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    # Why an invitation would not reach them ("" when it would), said before inviting.
    left_out: str = ""


def working_group_candidates(group: WorkingGroup, *, limit: int = 15) -> list[Candidate]:
    members = list(group.memberships.filter(left_on__isnull=True).select_related("contact"))
    taken = {m.contact_id for m in members}
    taken |= set(
        Invitation.objects.filter(working_group=group, status=InvitationStatus.PENDING).values_list(
            "contact_id", flat=True
        )
    )
    present = {m.contact.sector for m in members if m.contact.sector}
    missing = [s for s in EXPECTED if s not in present]
    snapshot = snapshot_select()
    candidates: dict[int, Candidate] = {}
    if group.origin_forum_id:
        attendees = (
            Participation.objects.filter(
                forum_id=group.origin_forum_id, status=ParticipationStatus.ATTENDED
            )
            .exclude(contact_id__in=taken)
            .select_related("contact")
        )
        for p in attendees:
            candidate = candidates.setdefault(p.contact_id, Candidate(p.contact))
            candidate.score += 1.0
            candidate.reasons.append(
                _("attended %(forum)s, where the group was born") % {"forum": group.origin_forum}
            )
    if snapshot is not None:
        # Betweenness as a share of the best in the snapshot: a bridge is worth a lot.
        actors = ActorMetrics.objects.filter(snapshot=snapshot).select_related("contact")
        best = actors.order_by("-betweenness").values_list("betweenness", flat=True).first() or 1
        for sector in missing:
            for actor in (
                actors.filter(sector=sector)
                .exclude(contact_id__in=taken)
                .order_by("-betweenness", "contact_id")[:5]
            ):
                candidate = candidates.setdefault(actor.contact_id, Candidate(actor.contact))
                candidate.score += 1.0 + (actor.betweenness or 0) / best
                candidate.reasons.append(
                    _("well connected in %(sector)s (%(ties)s ties), a sector the group lacks")
                    % {"sector": Sector(sector).label, "ties": actor.degree}
                )
        known = ActorMetrics.objects.filter(snapshot=snapshot, contact_id__in=list(candidates))
        for contact_id, betweenness in known.values_list("contact_id", "betweenness"):
            candidates[contact_id].score += 0.5 * (betweenness or 0) / best
    ranked = sorted(candidates.values(), key=lambda c: (-c.score, c.contact.pk))
    return ranked[:limit]
