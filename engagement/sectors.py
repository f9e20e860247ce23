"""Engagement per sector, and which sectors drift away (plain arrays in, rows out; no ORM)."""

from crm.models.choices import UNKNOWN_SECTOR, Sector

from .attendance import Inputs
from .scoring import ATTENDED, LEVELS, EngagementFigures, EngagementParameters, programme_ranks


def sector_engagement_rows(
    inputs: Inputs, contacts: EngagementFigures, parameters: EngagementParameters
) -> list[dict]:
    """Per sector with contacts (``""``: no sector): contacts, levels, mean score,
    attendance rate and drift of its share of attendance between the latest
    ``lapse_after`` forums of each programme and the ones before."""
    sector = inputs.contact_sector
    rank, held = programme_ranks(inputs.forum_programme, inputs.forum_day)
    attended = inputs.status == ATTENDED
    forum = inputs.forum_row[attended]
    recent = rank[forum] >= held[inputs.forum_programme[forum]] - parameters.lapse_after
    attendee_sector = sector[inputs.contact_row[attended]]
    rows = []
    total_recent, total_earlier = int(recent.sum()), int((~recent).sum())
    for name in (*Sector.values, UNKNOWN_SECTOR):
        members = sector == name
        if not members.any():
            continue
        came = members & (contacts.forums_attended > 0)
        levels = {
            level: int((members & (contacts.level == i)).sum()) for i, level in enumerate(LEVELS)
        }
        counted = contacts.forums_counted[members].sum()
        mine = attendee_sector == name
        recent_share = mine[recent].sum() / total_recent if total_recent else None
        earlier_share = mine[~recent].sum() / total_earlier if total_earlier else None
        rows.append(
            {
                "sector": name,
                "contacts": int(members.sum()),
                "attended": int(came.sum()),
                **levels,
                "mean_score": float(contacts.score[came].mean()) if came.any() else None,
                "attendance_rate": (
                    float(contacts.forums_attended[members].sum() / counted) if counted else None
                ),
                "recent_share": None if recent_share is None else float(recent_share),
                "earlier_share": None if earlier_share is None else float(earlier_share),
                "drift": (
                    float(recent_share - earlier_share)
                    if recent_share is not None and earlier_share is not None
                    else None
                ),
            }
        )
    return rows
