"""Working groups: create, edit and delete; members added (found by name in any script)
and ended."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.models import WorkingGroup, WorkingGroupMembership
from crm.selectors.contacts import contact_list
from crm.services.working_groups import (
    membership_create,
    membership_end,
    working_group_create,
    working_group_delete,
    working_group_update,
)
from web.access import changes, may
from web.forms.records import MembershipEndForm, MembershipForm, WorkingGroupForm
from web.views.record_pages import delete_page, form_page, service_save

SEARCH_RESULTS = 20


def _context(request, group=None) -> dict:
    return {
        "section": "working_groups",
        "title": _("Edit %(name)s") % {"name": group.title} if group else _("New working group"),
        "back": reverse("web:working_group", args=[group.pk])
        if group
        else reverse("web:working_groups"),
        "delete_url": reverse("web:working_group_delete", args=[group.pk])
        if group and may(request.user, "crm.delete_workinggroup")
        else "",
    }


def _shown(group) -> str:
    return reverse("web:working_group", args=[group.pk])


@changes("crm.add_workinggroup")
def working_group_new(request):
    form = WorkingGroupForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda: working_group_create(**form.cleaned_data),
        saved=_("Working group created."),
        done=_shown,
        context=_context(request),
    )


@changes("crm.change_workinggroup")
def working_group_edit(request, pk: int):
    group = get_object_or_404(WorkingGroup, pk=pk)
    form = WorkingGroupForm(request.POST or None, instance=group)
    return form_page(
        request,
        form,
        save=lambda: working_group_update(working_group=group, data=form.cleaned_data),
        saved=_("Changes saved."),
        done=_shown,
        context=_context(request, group),
        instance=group,
    )


@changes("crm.delete_workinggroup")
def working_group_delete_view(request, pk: int):
    group = get_object_or_404(WorkingGroup, pk=pk)
    return delete_page(
        request,
        record=group,
        delete=lambda: working_group_delete(working_group=group),
        section="working_groups",
        back=reverse("web:working_group_edit", args=[pk]),
        done=reverse("web:working_groups"),
    )


@changes("crm.add_workinggroupmembership", "crm.view_contact")
def membership_new(request, pk: int):
    """Find the person by name (any script), pick them, and give the role and date."""
    group = get_object_or_404(WorkingGroup, pk=pk)
    form = MembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        membership = service_save(
            form,
            lambda: membership_create(
                working_group=group, **{k: v for k, v in form.cleaned_data.items() if v}
            ),
        )
        if membership is not None:
            messages.success(
                request, _("%(name)s joined the group.") % {"name": membership.contact.full_name}
            )
            return redirect("web:working_group", pk=pk)
    query = request.GET.get("q", "").strip()
    found = list(contact_list(filters={"search": query})[:SEARCH_RESULTS]) if query else []
    chosen = request.POST.get("contact", "")
    return render(
        request,
        "web/working_groups/member_form.html",
        {
            "section": "working_groups",
            "group": group,
            "form": form,
            "query": query,
            "found": found,
            "chosen": chosen,
        },
    )


@require_POST
@changes("crm.change_workinggroupmembership")
def membership_end_view(request, pk: int):
    membership = get_object_or_404(WorkingGroupMembership.objects.select_related("contact"), pk=pk)
    form = MembershipEndForm(request.POST)
    if form.is_valid():
        saved = service_save(
            form,
            lambda: membership_end(membership=membership, left_on=form.cleaned_data["left_on"]),
        )
        if saved is not None:
            messages.success(
                request, _("%(name)s left the group.") % {"name": membership.contact.full_name}
            )
            return redirect("web:working_group", pk=membership.working_group_id)
    messages.error(request, "; ".join(m for errors in form.errors.values() for m in errors))
    return redirect("web:working_group", pk=membership.working_group_id)
