from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.models import (
    Forum,
    Participation,
    ParticipationRole,
    ParticipationStatus,
    Programme,
    Sector,
)
from crm.normalisation import search_terms
from crm.services.participation import participation_update
from engagement.selectors import balance, represented_sector
from network.selectors import forum_growth_of, snapshot_select
from outreach.models import FollowUp
from outreach.selectors import outbox_counts
from web.access import changes, may, page
from web.forms import AttendanceForm, BulkAttendanceForm


@page("crm.view_forum")
def forum_list(request):
    programmes = list(Programme.objects.order_by("-start_year", "name"))
    forums = list(
        Forum.objects.select_related("programme")
        .annotate(
            attended=Count("participations", filter=Q(participations__status="attended")),
            registered=Count("participations", filter=~Q(participations__status="cancelled")),
        )
        .order_by("-date", "-pk")
    )
    groups = [(p, [f for f in forums if f.programme_id == p.pk]) for p in programmes]
    loose = [f for f in forums if f.programme_id is None]
    if loose:
        groups.append((None, loose))
    return render(request, "web/forums/list.html", {"section": "forums", "groups": groups})


def _sector_role_table(forum: Forum) -> tuple[list, list, dict[str, int]]:
    """Attendees by the sector they represented × role, and per sector, from one grouped
    query."""
    rows = (
        Participation.objects.filter(forum=forum, status=ParticipationStatus.ATTENDED)
        .annotate(represented=represented_sector())
        .values_list("represented", "role")
        .annotate(n=Count("pk"))
        .order_by()
    )
    table: dict[str, dict[str, int]] = {}
    for sector, role, n in rows:
        table.setdefault(sector or Sector.OTHER, {})[role] = n
    roles = sorted({role for per in table.values() for role in per})
    rows = [
        (Sector(s).label, [per.get(r, 0) for r in roles], sum(per.values()))
        for s, per in sorted(table.items())
    ]
    by_sector = {sector: sum(per.values()) for sector, per in table.items()}
    return rows, [ParticipationRole(r).label for r in roles], by_sector


@page(
    "crm.view_forum",
    "crm.view_participation",
    "crm.view_forumdocument",
    "crm.view_forumpartner",
    "crm.view_organisation",
    "network.view_forumgrowth",
    "outreach.view_followup",
    "outreach.view_mailing",
    "outreach.view_outboxmessage",
)
def forum_detail(request, pk: int):
    forum = get_object_or_404(Forum.objects.select_related("programme"), pk=pk)
    table, roles, by_sector = _sector_role_table(forum)
    targets = (forum.programme.sector_targets or {}) if forum.programme else {}
    snapshot = snapshot_select()
    growth = forum_growth_of(snapshot, forum.pk)
    follow_up = FollowUp.objects.filter(forum=forum).select_related("mailing", "template").first()
    follow_up_counts = None
    if follow_up and follow_up.mailing_id:
        follow_up_counts = outbox_counts([follow_up.mailing_id])[follow_up.mailing_id]
    statuses = {
        ParticipationStatus(status).label: n
        for status, n in Participation.objects.filter(forum=forum)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    }
    shares = balance(by_sector, targets)
    sector_rows = [
        (value, label, shares["shares"].get(value), targets.get(value))
        for value, label in Sector.choices
        if value in shares["shares"] or value in targets
    ]
    gaps = [(Sector(s).label, gap) for s, gap in shares["gaps"].items()]
    return render(
        request,
        "web/forums/detail.html",
        {
            "section": "forums",
            "forum": forum,
            "partners": list(forum.partner_links.select_related("organisation")),
            "documents": list(forum.documents.all()),
            "table": table,
            "roles": roles,
            "sector_rows": sector_rows,
            "targets": targets,
            "gaps": gaps,
            "growth": growth,
            "follow_up": follow_up,
            "follow_up_counts": follow_up_counts,
            "statuses": statuses,
            "can_check_in": may(request.user, "crm.change_participation"),
        },
    )


CHECK_IN_ROWS = 200


@page("crm.view_forum", "crm.view_participation", "crm.view_contact")
def forum_check_in(request, pk: int):
    """Check-in on the day, from a phone: search a name, tap to mark attended."""
    forum = get_object_or_404(Forum, pk=pk)
    participations = Participation.objects.filter(forum=forum).select_related("contact")
    query = request.GET.get("q", "").strip()
    if "@" in query:
        participations = participations.filter(contact__email__icontains=query)
    else:
        for term in search_terms(query):  # every word, in Cyrillic or Latin
            participations = participations.filter(contact__search_key__contains=term)
    rows = list(
        participations.order_by("contact__family_name", "contact__given_name")[: CHECK_IN_ROWS + 1]
    )
    more = len(rows) > CHECK_IN_ROWS
    rows = rows[:CHECK_IN_ROWS]
    template = (
        "web/forums/_checkin_rows.html"
        if request.headers.get("HX-Request")
        else "web/forums/checkin.html"
    )
    return render(
        request,
        template,
        {
            "section": "forums",
            "forum": forum,
            "rows": rows,
            "query": query,
            "more": more,
            "waiting": [r for r in rows if r.status != ParticipationStatus.ATTENDED],
            "attended": sum(1 for r in rows if r.status == ParticipationStatus.ATTENDED),
            "can_check_in": may(request.user, "crm.change_participation"),
        },
    )


@changes("crm.change_participation")
def participation_mark(request, pk: int):
    """Set one participation's status (POST). Answers the row again for htmx, else
    goes back to the check-in page."""
    if request.method != "POST":
        return HttpResponseBadRequest(_("Use POST."))
    participation = get_object_or_404(Participation.objects.select_related("contact"), pk=pk)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Unknown status."))
    try:
        participation = participation_update(
            participation=participation, data={"status": form.cleaned_data["status"]}
        )
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    if request.headers.get("HX-Request"):
        return render(
            request, "web/forums/_checkin_row.html", {"row": participation, "can_check_in": True}
        )
    return redirect("web:forum_check_in", pk=participation.forum_id)


@require_POST
@changes("crm.change_participation")
def forum_mark_all(request, pk: int):
    """Bulk check-in: mark the participations shown (ids posted) as attended, in one go."""
    forum = get_object_or_404(Forum, pk=pk)
    form = BulkAttendanceForm(request.POST, forum=forum)
    if not form.is_valid():
        messages.error(request, _("Choose whom to mark."))
        return redirect("web:forum_check_in", pk=pk)
    marked = 0
    try:
        with transaction.atomic():
            for participation in form.cleaned_data["participations"]:
                if participation.status != ParticipationStatus.ATTENDED:
                    participation_update(
                        participation=participation, data={"status": ParticipationStatus.ATTENDED}
                    )
                    marked += 1
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, _("%(marked)d marked as attended.") % {"marked": marked})
    return redirect("web:forum_check_in", pk=pk)
