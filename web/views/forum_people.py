"""A forum's people on its page: who is invited, registered, waitlisted, attended; adding
people found by the name search, changing a row's status and role, inviting a saved list
and recording the no-shows after the day. Every write is a service of
crm/services/participation.py, so the rules (capacity, one participation per person) and
their messages are the API's."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.ids import MAX_ID
from crm.models import Forum, Participation, ParticipationRole, ParticipationStatus
from crm.selectors.lists import contact_lists_recent
from crm.selectors.participation import forum_contact_matches, forum_people, forum_seats
from crm.services.participation import (
    participation_create_many,
    participation_invite_contact_list,
    participation_mark_no_shows,
    participation_update,
)
from web.access import changes, may
from web.forms.participation import (
    ContactListInviteForm,
    ParticipationAddForm,
    ParticipationEditForm,
)
from web.paging import paginate, query_without

PEOPLE_PAGE_SIZE = 50
MATCHES = 20
# More ticked people than this at once is not a search any more: invite a saved list.
MAX_TICKED = 100


def forum_people_context(request, forum: Forum) -> dict:
    """What the forum page shows of its people: the seats, one page of one status (or of
    everyone), and what the user may do with them. A handful of queries, whatever the
    number of people."""
    status = request.GET.get("status", "")
    if status not in ParticipationStatus.values:
        status = ""
    seats = forum_seats(forum)
    people = paginate(request, forum_people(forum, status=status), default_size=PEOPLE_PAGE_SIZE)
    can_add = may(request.user, "crm.add_participation", "crm.view_contact")
    can_change = may(request.user, "crm.change_participation")
    past = forum.date < timezone.localdate()
    return {
        "seats": seats,
        "people": people,
        "people_status": status,
        "people_query": query_without(request, "page"),
        "status_tabs": [
            (value, label, seats.by_status.get(value, 0))
            for value, label in ParticipationStatus.choices
        ],
        "total_people": sum(seats.by_status.values()),
        "status_choices": ParticipationStatus.choices,
        "role_choices": ParticipationRole.choices,
        "can_add_people": can_add,
        "people_add_form": ParticipationAddForm(),
        "can_change_people": can_change,
        "contact_lists": list(contact_lists_recent()[:50])
        if can_add and may(request.user, "crm.view_contactlist")
        else [],
        "no_shows_due": seats.registered if past and can_change else 0,
    }


def _forum_people_url(forum: Forum) -> str:
    return reverse("web:forum", args=[forum.pk]) + "#people"


def _ticked(values: list[str]) -> list[int]:
    """The contact ids ticked so far, ignoring what cannot be an id."""
    ids = []
    for value in values[:MAX_TICKED]:
        if value.isdigit() and 0 < int(value) <= MAX_ID:
            ids.append(int(value))
    return ids


def _add_page(request, forum, *, query, ticked, form=None):
    context = {
        "section": "forums",
        "forum": forum,
        "query": query,
        "matches": forum_contact_matches(forum, query=query, limit=MATCHES, keep=ticked),
        "ticked": set(ticked),
        "form": form or ParticipationAddForm(),
        "seats": forum_seats(forum),
    }
    if request.headers.get("HX-Request") and request.method == "GET":
        return render(request, "web/forums/_people_matches.html", context)
    return render(request, "web/forums/people_add.html", context)


@changes("crm.add_participation", "crm.view_contact", "crm.view_participation")
def forum_people_add(request, pk: int):
    """GET: search contacts in any script (ticked ones are kept across searches). POST:
    record the ticked ones with one status and role, all or none."""
    forum = get_object_or_404(Forum, pk=pk)
    if request.method != "POST":
        query = request.GET.get("q", "").strip()
        return _add_page(
            request, forum, query=query, ticked=_ticked(request.GET.getlist("contacts"))
        )
    form = ParticipationAddForm(request.POST)
    query = request.POST.get("q", "").strip()
    ticked = _ticked(request.POST.getlist("contacts"))
    if not form.is_valid():
        return _add_page(request, forum, query=query, ticked=ticked, form=form)
    data = form.cleaned_data
    try:
        added = participation_create_many(
            forum=forum, contacts=data["contacts"], role=data["role"], status=data["status"]
        )
    except ValidationError as error:
        for problem in error.messages:
            form.add_error(None, problem)
        return _add_page(request, forum, query=query, ticked=ticked, form=form)
    messages.success(
        request,
        _("%(count)d added as %(status)s.")
        % {"count": len(added), "status": ParticipationStatus(data["status"]).label},
    )
    return redirect(_forum_people_url(forum))


@require_POST
@changes("crm.change_participation")
def participation_edit(request, pk: int):
    """Change one row's status and role. Answers the row again for htmx (with the refusal,
    if any, in it), else goes back to the forum's people."""
    participation = get_object_or_404(
        Participation.objects.select_related("contact", "organisation", "forum"), pk=pk
    )
    form = ParticipationEditForm(request.POST)
    problems = []
    if form.is_valid():
        try:
            participation = participation_update(
                participation=participation, data=form.cleaned_data
            )
        except ValidationError as error:
            problems = error.messages
            participation.refresh_from_db()
    else:
        problems = [_("Choose a status and a role from the lists.")]
    if request.headers.get("HX-Request"):
        return render(
            request,
            "web/forums/_people_row.html",
            {
                "row": participation,
                "problems": problems,
                "saved": not problems,
                "status_choices": ParticipationStatus.choices,
                "role_choices": ParticipationRole.choices,
                "can_change_people": True,
            },
        )
    for problem in problems:
        messages.error(request, f"{participation.contact.full_name}: {problem}")
    if not problems:
        messages.success(request, _("Changes saved."))
    return redirect(_forum_people_url(participation.forum))


@require_POST
@changes("crm.add_participation", "crm.view_contactlist")
def forum_invite_list(request, pk: int):
    """Invite every member of a saved contact list (those already recorded stay as they
    are)."""
    forum = get_object_or_404(Forum, pk=pk)
    form = ContactListInviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a saved list."))
        return redirect(_forum_people_url(forum))
    try:
        invited, skipped = participation_invite_contact_list(
            forum=forum, contact_list=form.cleaned_data["contact_list"]
        )
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(invited)d invited; %(skipped)d were already recorded at this forum.")
            % {"invited": len(invited), "skipped": skipped},
        )
    return redirect(_forum_people_url(forum))


@require_POST
@changes("crm.change_participation")
def forum_mark_no_shows(request, pk: int):
    """After the day: everyone still only registered did not come."""
    forum = get_object_or_404(Forum, pk=pk)
    try:
        marked = participation_mark_no_shows(forum=forum)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, _("%(marked)d marked as no-shows.") % {"marked": marked})
    return redirect(_forum_people_url(forum))
