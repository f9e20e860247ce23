from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.models import WorkingGroup
from crm.selectors.counts import working_group_member_counts
from outreach.models import Invitation, MessageTemplate
from outreach.services.invitations import invitations_send
from web.access import changes, may, page
from web.candidates import working_group_candidates
from web.forms import InviteForm


@page("crm.view_workinggroup")
def working_group_list(request):
    groups = list(WorkingGroup.objects.select_related("origin_forum").order_by("title"))
    counts = working_group_member_counts([g.pk for g in groups])
    for group in groups:
        group.members_now = counts.get(group.pk, 0)
    return render(
        request, "web/working_groups/list.html", {"section": "working_groups", "groups": groups}
    )


@page("crm.view_workinggroup", "crm.view_workinggroupmembership", "outreach.view_invitation")
def working_group_detail(request, pk: int):
    group = get_object_or_404(WorkingGroup.objects.select_related("origin_forum"), pk=pk)
    return render(
        request,
        "web/working_groups/detail.html",
        {
            "section": "working_groups",
            "group": group,
            "members": list(
                group.memberships.select_related("contact").order_by("left_on", "joined_on")
            ),
            "invitations": list(
                Invitation.objects.filter(working_group=group)
                .select_related("contact")
                .order_by("-created")
            ),
            "candidates": working_group_candidates(group),
            "templates": list(
                MessageTemplate.objects.filter(purpose="working_group").order_by("name")
            ),
            "can_invite": may(request.user, "outreach.add_invitation"),
        },
    )


@require_POST
@changes("outreach.add_invitation")
def working_group_invite(request, pk: int):
    group = get_object_or_404(WorkingGroup, pk=pk)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose who to invite and an invitation template."))
        return redirect("web:working_group", pk=pk)
    try:
        _mailing, invited, skipped = invitations_send(
            working_group=group,
            contacts=form.cleaned_data["contacts"],
            template=form.cleaned_data["template"],
            invited_by=request.user,
        )
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(invited)d invited, %(skipped)d skipped (already members or invited).")
            % {"invited": len(invited), "skipped": len(skipped)},
        )
    return redirect("web:working_group", pk=pk)
