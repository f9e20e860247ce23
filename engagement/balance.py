"""Sector balance: who came by sector against a programme's target mix (plain values, no ORM)."""

import numpy as np


def balance(sectors: dict[str, int], targets: dict[str, float]) -> dict:
    """Counts and shares by sector, and the shortfall against each target share."""
    total = sum(sectors.values())
    shares = {s: n / total for s, n in sectors.items()} if total else {}
    gaps = {
        sector: round(target - shares.get(sector, 0.0), 6)
        for sector, target in targets.items()
        if shares.get(sector, 0.0) < target
    }
    return {
        "attendees": total,
        "by_sector": dict(sorted(sectors.items())),
        "shares": {s: round(v, 6) for s, v in sorted(shares.items())},
        "targets": targets,
        "gaps": gaps,
        "meets_targets": not gaps,
    }


def forum_balance_rows(
    forums: list[tuple],
    attended_by_sector: dict[int, dict[str, int]],
    returning: np.ndarray,
    targets: dict[str, float],
) -> list[dict]:
    """One row per forum: its attendees by the sector they represented against the targets,
    and how many of them had come to an earlier forum of the programme.

    ``forums`` are (id, number, title, date) in chronological order, ``returning`` is
    aligned with them; a forum missing from ``attended_by_sector`` had no attendees.
    """
    result = []
    for (forum_id, number, title, date), back in zip(forums, returning.tolist(), strict=True):
        row = {
            "forum": forum_id,
            "number": number,
            "title": title,
            "date": date,
            **balance(attended_by_sector.get(forum_id, {}), targets),
            "returning": int(back),
        }
        row["returning_rate"] = row["returning"] / row["attendees"] if row["attendees"] else None
        result.append(row)
    return result
