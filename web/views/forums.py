from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.models import Forum, Participation, ParticipationRole, ParticipationStatus, Sector
from crm.models.choices import sector_label
from crm.selectors.counts import forum_participation_counts
from crm.selectors.forums import forum_detail_queryset, forums_by_programme
from crm.selectors.participation import forum_check_in_rows
from crm.services.participation import participation_update
from engagement.selectors import attended_by_sector_and_role, balance
from network.selectors import forum_growth_of, snapshot_select
from outreach.selectors import forum_follow_up
from web.access import changes, may, page
from web.forms import AttendanceForm, BulkAttendanceForm


@page("crm.view_forum")
def forum_list(request):
    return render(
        request, "web/forums/list.html", {"section": "forums", "groups": forums_by_programme()}
    )


def _sector_role_table(forum: Forum) -> tuple[list, list, dict[str, int]]:
    """Attendees by the sector they represented × role, and per sector."""
    table = attended_by_sector_and_role(forum.pk)
    roles = sorted({role for per in table.values() for role in per})
    rows = [
        (sector_label(s), [per.get(r, 0) for r in roles], sum(per.values()))
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
    forum = get_object_or_404(forum_detail_queryset(), pk=pk)
    table, roles, by_sector = _sector_role_table(forum)
    targets = (forum.programme.sector_targets or {}) if forum.programme else {}
    snapshot = snapshot_select()
    growth = forum_growth_of(snapshot, forum.pk)
    follow_up, follow_up_counts = forum_follow_up(forum.pk)
    statuses = {
        ParticipationStatus(status).label: n
        for status, n in forum_participation_counts([forum.pk])[forum.pk].items()
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
            "partners": list(forum.partner_links.all()),
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
    query = request.GET.get("q", "").strip()
    rows, more = forum_check_in_rows(forum, query=query, limit=CHECK_IN_ROWS)
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
