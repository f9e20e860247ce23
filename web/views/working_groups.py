from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.models import ConsentPurpose, WorkingGroup
from crm.selectors.working_groups import working_group_members, working_groups_with_members
from outreach.audience import ContactsAudience
from outreach.candidates import working_group_candidates
from outreach.selectors import invitation_templates, recipient_list, working_group_invitations
from outreach.services.invitations import invitations_send
from web.access import changes, may, page
from web.forms import InviteForm


@page("crm.view_workinggroup")
def working_group_list(request):
    groups = working_groups_with_members()
    return render(
        request, "web/working_groups/list.html", {"section": "working_groups", "groups": groups}
    )


@page("crm.view_workinggroup", "crm.view_workinggroupmembership", "outreach.view_invitation")
def working_group_detail(request, pk: int):
    group = get_object_or_404(WorkingGroup.objects.select_related("origin_forum"), pk=pk)
    candidates = working_group_candidates(group)
    # Whether each candidate could receive an invitation at all (consent for working-group
    # invitations, an address not on hold), before anyone is invited.
    reach = recipient_list(
        audience=ContactsAudience(contacts=tuple(c.contact.pk for c in candidates)),
        purpose=ConsentPurpose.WORKING_GROUP,
    )
    left_out = {r.contact_id: r.reason_label for r in reach}
    for candidate in candidates:
        candidate.left_out = left_out.get(candidate.contact.pk, "")
    return render(
        request,
        "web/working_groups/detail.html",
        {
            "section": "working_groups",
            "group": group,
            "members": working_group_members(group),
            "invitations": working_group_invitations(group.pk),
            "candidates": candidates,
            "templates": list(invitation_templates()),
            "can_invite": may(request.user, "outreach.add_invitation"),
            "can_write_template": may(request.user, "outreach.add_messagetemplate"),
            "chosen_template": request.GET.get("template", ""),
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
