from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from core.names import name_search
from crm.models import Contact, Forum, Participation, ParticipationStatus
from crm.services.participation import SEAT_HOLDING

from .contacts import contact_list, contact_queryset
from .counts import forum_participation_counts


def forum_check_in_rows(forum: Forum, *, query: str, limit: int) -> tuple[list, bool]:
    """Up to ``limit`` of a forum's participations, by name, whose person matches the query
    (an e-mail when it holds "@", else every word of a name in any script), and whether
    more matched."""
    participations = Participation.objects.filter(forum=forum).select_related(
        "contact", "organisation"
    )
    if "@" in query:
        participations = participations.filter(contact__email__icontains=query)
    else:
        participations = name_search(participations, query, key="contact__search_key")
    rows = list(participations.order_by("contact__family_name", "contact__given_name")[: limit + 1])
    return rows[:limit], len(rows) > limit


def forum_people(forum: Forum, *, status: str = "") -> QuerySet[Participation]:
    """A forum's participations (of one status, if given) with the person and the
    organisation they represented, by name."""
    participations = Participation.objects.filter(forum=forum).select_related(
        "contact", "organisation"
    )
    if status:
        participations = participations.filter(status=status)
    return participations.order_by("contact__family_name", "contact__given_name", "pk")


@dataclass
class ForumSeats:
    """How full a forum is: ``taken`` counts the statuses that hold a seat (the capacity
    check's own list), ``free`` is None when the forum sets no capacity."""

    capacity: int | None
    taken: int
    waitlisted: int
    registered: int
    by_status: dict[str, int]

    @property
    def free(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.taken, 0)


def forum_seats(forum: Forum) -> ForumSeats:
    counts = forum_participation_counts([forum.pk]).get(forum.pk, {})
    return ForumSeats(
        capacity=forum.capacity,
        taken=sum(counts.get(status, 0) for status in SEAT_HOLDING),
        waitlisted=counts.get(ParticipationStatus.WAITLISTED, 0),
        registered=counts.get(ParticipationStatus.REGISTERED, 0),
        by_status=counts,
    )


def forum_contact_matches(
    forum: Forum, *, query: str, limit: int, keep: Iterable[int] = ()
) -> list[Contact]:
    """The contacts ``keep`` names (already ticked), then up to ``limit`` more that the
    contacts page's search finds for ``query`` (a name in any script, or an e-mail). Each
    has ``at_forum``: their participation at this forum, or None; current affiliations come
    along to tell namesakes apart."""
    keep = sorted(set(keep))
    kept = list(contact_queryset().filter(pk__in=keep).order_by("family_name", "given_name"))
    found = []
    if query.strip():
        found = list(
            contact_list(filters={"search": query})
            .exclude(pk__in=keep)
            .order_by("family_name", "given_name", "pk")[:limit]
        )
    contacts = kept + found
    recorded = {
        p.contact_id: p
        for p in Participation.objects.filter(forum=forum, contact__in=[c.pk for c in contacts])
    }
    for contact in contacts:
        contact.at_forum = recorded.get(contact.pk)
    return contacts
