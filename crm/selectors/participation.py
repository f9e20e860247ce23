from core.names import name_search
from crm.models import Forum, Participation


def forum_check_in_rows(forum: Forum, *, query: str, limit: int) -> tuple[list, bool]:
    """Up to ``limit`` of a forum's participations, by name, whose person matches the query
    (an e-mail when it holds "@", else every word of a name in any script), and whether
    more matched."""
    participations = Participation.objects.filter(forum=forum).select_related("contact")
    if "@" in query:
        participations = participations.filter(contact__email__icontains=query)
    else:
        participations = name_search(participations, query, key="contact__search_key")
    rows = list(participations.order_by("contact__family_name", "contact__given_name")[: limit + 1])
    return rows[:limit], len(rows) > limit
