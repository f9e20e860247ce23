from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from crm.models import ConsentPurpose
from outreach.audience import mailing_audience
from outreach.models import Mailing, MailingStatus, OutboxStatus
from outreach.selectors import (
    mailing_queryset,
    mailings_with_progress,
    outbox_counts,
    outbox_rows,
    recipient_list,
    recipient_summary,
)
from outreach.services.mailings import (
    mailing_cancel,
    mailing_create,
    mailing_previews,
    mailing_schedule,
    mailing_start,
)
from web.access import changes, may, page
from web.forms import MailingForm, ScheduleForm
from web.paging import paginate, query_without


@page("outreach.view_mailing")
def mailing_list(request):
    mailings = paginate(request, mailing_queryset())
    mailings.object_list = mailings_with_progress(mailings.object_list)
    return render(
        request,
        "web/mailings/list.html",
        {
            "section": "mailings",
            "mailings": mailings,
            "page_query": query_without(request, "page"),
            "can_add": may(request.user, "outreach.add_mailing"),
        },
    )


@changes("outreach.add_mailing")
def mailing_new(request):
    """Compose: template and audience; the next page shows who will get it and who not."""
    form = MailingForm(request.POST or None, initial=request.GET.dict() or None)
    if request.method == "POST" and form.is_valid():
        try:
            audience = form.audience()
            data = form.cleaned_data
            mailing = mailing_create(
                name=data["name"],
                purpose=data["purpose"],
                template=data["template"],
                audience=audience,
                working_group=data.get("working_group"),
                created_by=request.user,
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            return redirect("web:mailing", pk=mailing.pk)
    purpose = request.POST.get("purpose") or request.GET.get("purpose")
    new_template = {
        "purpose": purpose if purpose in ConsentPurpose.values else ConsentPurpose.FORUM_UPDATES,
        "next": request.get_full_path(),
    }
    return render(
        request,
        "web/mailings/form.html",
        {"section": "mailings", "form": form, "new_template_query": urlencode(new_template)},
    )


@require_POST
@changes("outreach.add_mailing")
def audience_preview(request):
    """While composing: how many the audience reaches and who it leaves out, and why.
    Reads only; answers a fragment for htmx."""
    form = MailingForm(request.POST)
    context = {"ready": False}
    form.is_valid()  # partial input is normal here: use what is there
    if "audience_kind" in form.cleaned_data and "purpose" in form.cleaned_data:
        try:
            audience = form.audience()
            everyone = recipient_list(audience=audience, purpose=form.cleaned_data["purpose"])
        except ValidationError as error:
            context["problem"] = "; ".join(error.messages)
        else:
            context.update(ready=True, summary=recipient_summary(everyone))
    return render(request, "web/mailings/_audience_preview.html", context)


@page("outreach.view_mailing", "outreach.view_outboxmessage")
def mailing_detail(request, pk: int):
    mailing = get_object_or_404(mailing_queryset(), pk=pk)
    context = {
        "section": "mailings",
        "mailing": mailing,
        "counts": outbox_counts([mailing.pk])[mailing.pk],
        "status_labels": {
            "outbox": {code: str(label) for code, label in OutboxStatus.choices},
            "mailing": {code: str(label) for code, label in MailingStatus.choices},
        },
        "can_send": may(request.user, "outreach.change_mailing"),
        "schedule_form": ScheduleForm(),
    }
    if mailing.status in (MailingStatus.DRAFT, MailingStatus.SCHEDULED):
        # Before sending: who would get it, and who is left out and why.
        everyone = recipient_list(audience=mailing_audience(mailing), purpose=mailing.purpose)
        context["summary"] = recipient_summary(everyone)
        context["excluded"] = [r for r in everyone if r.reason][:100]
        context["previews"] = mailing_previews(mailing, everyone)
    else:
        rows = outbox_rows(mailing, status=request.GET.get("status"))
        context["outbox"] = paginate(request, rows, default_size=50)
        context["page_query"] = query_without(request, "page")
    return render(request, "web/mailings/detail.html", context)


@require_POST
@changes("outreach.change_mailing")
def mailing_send(request, pk: int):
    """Send after the coordinator confirmed the number of recipients; if the audience has
    changed since (someone withdrew, a list grew), say so and ask again."""
    mailing = get_object_or_404(mailing_queryset(), pk=pk)
    if mailing.status in (MailingStatus.DRAFT, MailingStatus.SCHEDULED):
        everyone = recipient_list(audience=mailing_audience(mailing), purpose=mailing.purpose)
        now = recipient_summary(everyone).will_receive
        if request.POST.get("recipients") != str(now):
            messages.error(
                request,
                ngettext(
                    "It will now go to %(count)d person: confirm again to send.",
                    "It will now go to %(count)d people: confirm again to send.",
                    now,
                )
                % {"count": now},
            )
            return redirect("web:mailing", pk=pk)
    _mailing_change(request, mailing_start, mailing=mailing)
    return redirect("web:mailing", pk=pk)


@require_POST
@changes("outreach.change_mailing")
def mailing_schedule_view(request, pk: int):
    mailing = get_object_or_404(mailing_queryset(), pk=pk)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a time or a number of days after the forum."))
    elif _mailing_change(
        request,
        mailing_schedule,
        mailing=mailing,
        **{k: v for k, v in form.cleaned_data.items() if v is not None},
    ):
        messages.success(request, _("Scheduled."))
    return redirect("web:mailing", pk=pk)


@require_POST
@changes("outreach.change_mailing")
def mailing_cancel_view(request, pk: int):
    _mailing_change(request, mailing_cancel, mailing=get_object_or_404(Mailing, pk=pk))
    return redirect("web:mailing", pk=pk)


def _mailing_change(request, service, **arguments) -> bool:
    """Run a mailing service; a refusal becomes a message on the next page."""
    try:
        with transaction.atomic():
            service(**arguments)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return False
    return True
