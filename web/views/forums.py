from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.models import Forum, Participation, ParticipationRole, ParticipationStatus, Sector
from crm.models.choices import sector_label
from crm.selectors.forums import forum_detail_queryset, forums_by_programme
from crm.selectors.participation import forum_check_in_rows, forum_contact_matches
from crm.services.contacts import contact_create
from crm.services.participation import (
    participation_update,
    participation_walk_in,
    participations_mark_attended,
)
from engagement.selectors import attended_by_sector_and_role, balance
from network.selectors import forum_growth_of, snapshot_select
from outreach.selectors import forum_follow_up
from outreach.services.mailings import follow_up_set
from web.access import changes, may, page
from web.forms import AttendanceForm, BulkAttendanceForm, FollowUpForm
from web.forms.participation import WalkInContactForm, WalkInForm
from web.views.forum_people import forum_people_context


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
    people = forum_people_context(request, forum)
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
            "sector_rows_attended": sum(by_sector.values()),
            "targets": targets,
            "gaps": gaps,
            "growth": growth,
            "follow_up": follow_up,
            # Not once it has been sent: the follow-up then points at its mailing for good.
            "follow_up_form": FollowUpForm(
                initial={
                    "template": follow_up.template_id,
                    "days_after": follow_up.days_after,
                    "enabled": follow_up.enabled,
                }
                if follow_up
                # Back from writing a template here: it is the one chosen.
                else {"template": request.GET.get("template")}
            )
            if may(request.user, "outreach.add_followup", "outreach.change_followup")
            and not (follow_up and follow_up.mailing_id)
            else None,
            "follow_up_counts": follow_up_counts,
            "can_check_in": may(request.user, "crm.change_participation"),
            **people,
        },
    )


CHECK_IN_ROWS = 200
WALK_IN_MATCHES = 10


def _far_away(forum: Forum) -> bool:
    """More than a day before the forum: attendance marked now is most likely a slip."""
    return (forum.date - timezone.localdate()).days > 1


def check_in_context(request, forum: Forum, query: str) -> dict:
    """The rows a check-in shows for a search, the ones among them not yet attended (what
    the bulk button marks, so its count is the rows' own), and the contacts outside the
    forum the same search finds (walk-ins)."""
    rows, more = forum_check_in_rows(forum, query=query, limit=CHECK_IN_ROWS)
    can_check_in = may(request.user, "crm.change_participation")
    can_walk_in = can_check_in and may(request.user, "crm.add_participation", "crm.add_contact")
    walk_ins = []
    if query and can_walk_in:
        matches = forum_contact_matches(forum, query=query, limit=WALK_IN_MATCHES)
        walk_ins = [contact for contact in matches if contact.at_forum is None]
    return {
        "section": "forums",
        "forum": forum,
        "rows": rows,
        "query": query,
        "more": more,
        "waiting": [r for r in rows if r.status != ParticipationStatus.ATTENDED],
        "attended": sum(1 for r in rows if r.status == ParticipationStatus.ATTENDED),
        "can_check_in": can_check_in,
        "can_walk_in": can_walk_in,
        "walk_ins": walk_ins,
        "far_away": _far_away(forum),
    }


@page("crm.view_forum", "crm.view_participation", "crm.view_contact")
def forum_check_in(request, pk: int):
    """Check-in on the day, from a phone: search a name, tap to mark attended."""
    forum = get_object_or_404(Forum, pk=pk)
    context = check_in_context(request, forum, request.GET.get("q", "").strip())
    if request.headers.get("HX-Request"):
        return render(request, "web/forums/_checkin_rows.html", context)
    context["walk_in_form"] = WalkInContactForm()
    return render(request, "web/forums/checkin.html", context)


@changes("crm.change_participation")
def participation_mark(request, pk: int):
    """Set one participation's status (POST). Answers the row again for htmx, with the
    check-in's counts and bulk button (out of band) for the search the page shows, else
    goes back to the check-in page."""
    if request.method != "POST":
        return HttpResponseBadRequest(_("Use POST."))
    participation = get_object_or_404(
        Participation.objects.select_related("contact", "forum"), pk=pk
    )
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Unknown status."))
    problems = []
    try:
        participation = participation_update(
            participation=participation, data={"status": form.cleaned_data["status"]}
        )
    except ValidationError as error:
        problems = error.messages
        participation.refresh_from_db()
    query = request.POST.get("q", "").strip()
    if request.headers.get("HX-Request"):
        context = check_in_context(request, participation.forum, query)
        context.update(row=participation, problems=problems, summary_out_of_band=True)
        return render(request, "web/forums/_checkin_marked.html", context)
    for problem in problems:
        messages.error(request, problem)
    return _back_to_check_in(participation.forum_id, query)


def _back_to_check_in(forum_id: int, query: str = ""):
    url = reverse("web:forum_check_in", args=[forum_id])
    return redirect(f"{url}?{urlencode({'q': query})}" if query else url)


@require_POST
@changes("crm.change_participation")
def forum_mark_all(request, pk: int):
    """Bulk check-in: mark the participations shown (ids posted) as attended, in one go."""
    forum = get_object_or_404(Forum, pk=pk)
    query = request.POST.get("q", "").strip()
    form = BulkAttendanceForm(request.POST, forum=forum)
    if not form.is_valid():
        messages.error(request, _("Choose whom to mark."))
        return _back_to_check_in(pk, query)
    try:
        marked = participations_mark_attended(participations=form.cleaned_data["participations"])
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, _("%(marked)d marked as attended.") % {"marked": marked})
    return _back_to_check_in(pk, query)


@require_POST
@changes("crm.change_participation", "crm.add_participation", "crm.add_contact")
def forum_walk_in(request, pk: int):
    """Someone came who was not on the list: an existing contact (``contact``) or a new one
    (the walk-in form's few fields) is recorded as attended, all or nothing."""
    forum = get_object_or_404(Forum, pk=pk)
    if "contact" in request.POST:
        form = WalkInForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose whom to mark."))
            return _back_to_check_in(pk, request.POST.get("q", "").strip())
        contact = form.cleaned_data["contact"]
        try:
            participation_walk_in(forum=forum, contact=contact)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
            return _back_to_check_in(pk, contact.full_name)
    else:
        form = WalkInContactForm(request.POST)
        contact = None
        if form.is_valid():
            try:
                with transaction.atomic():
                    contact = contact_create(**form.cleaned_data)
                    participation_walk_in(forum=forum, contact=contact)
            except ValidationError as error:
                contact = None
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
        if contact is None:
            context = check_in_context(request, forum, "")
            context["walk_in_form"] = form
            return render(request, "web/forums/checkin.html", context)
    messages.success(request, _("%(name)s marked as attended.") % {"name": contact.full_name})
    return _back_to_check_in(pk, contact.full_name)


@require_POST
@changes("outreach.add_followup", "outreach.change_followup")
def forum_follow_up_set(request, pk: int):
    """Plan (or change) the forum's follow-up mailing; the scheduler sends it once."""
    forum = get_object_or_404(Forum, pk=pk)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(m for ms in form.errors.values() for m in ms))
    else:
        try:
            follow_up_set(forum=forum, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, _("Follow-up saved."))
    return redirect(f"{reverse('web:forum', args=[pk])}#follow-up")
