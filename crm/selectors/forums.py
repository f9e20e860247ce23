from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from crm.models import Forum, ForumPartner, ParticipationStatus, Programme

_ATTENDED = Q(participations__status=ParticipationStatus.ATTENDED)
_REGISTERED = ~Q(participations__status=ParticipationStatus.CANCELLED)


def forums_by_programme() -> list[tuple[Programme | None, list[Forum]]]:
    """Every forum, newest first, with ``attended`` and ``registered`` counts, grouped under
    its programme (newest programme first); forums of no programme come last."""
    programmes = list(Programme.objects.order_by("-start_year", "name"))
    forums = list(
        Forum.objects.select_related("programme")
        .annotate(
            attended=Count("participations", filter=_ATTENDED),
            registered=Count("participations", filter=_REGISTERED),
        )
        .order_by("-date", "-pk")
    )
    groups = [(p, [f for f in forums if f.programme_id == p.pk]) for p in programmes]
    loose = [f for f in forums if f.programme_id is None]
    if loose:
        groups.append((None, loose))
    return groups


def forum_detail_queryset() -> QuerySet[Forum]:
    """Forums with their programme, partners (with organisation) and documents."""
    partners = ForumPartner.objects.select_related("organisation")
    return Forum.objects.select_related("programme").prefetch_related(
        Prefetch("partner_links", queryset=partners), "documents"
    )


def upcoming_forums(limit: int = 5) -> list[Forum]:
    """The next forums from today, with how many are registered (not cancelled)."""
    today = timezone.localdate()
    return list(
        Forum.objects.filter(date__gte=today)
        .select_related("programme")
        .annotate(registered=Count("participations", filter=_REGISTERED))
        .order_by("date")[:limit]
    )


def recent_forums(limit: int = 12) -> list[Forum]:
    """The latest forums, oldest of them first (the order a chart reads)."""
    return list(reversed(Forum.objects.order_by("-date", "-pk")[:limit]))
