from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.models import ConsentPurpose
from crm.selectors.forums import programmes_by_size
from engagement.choices import LAPSED_MISSED_MAX
from engagement.selectors import (
    cohort_table,
    engagement_snapshot_select,
    forum_balance,
    lapsed_queryset,
    lapsed_rule,
)
from engagement.services import lapsed_list_reuse_or_save
from web.access import changes, may, page
from web.selectors import forum_label


def _missed(params, snapshot) -> int:
    """The page's ``missed`` (1 to LAPSED_MISSED_MAX); the snapshot's own rule when not
    given or not a number."""
    default = lapsed_rule(snapshot)["missed"]
    try:
        return max(1, min(LAPSED_MISSED_MAX, int(params["missed"])))
    except (KeyError, ValueError):
        return default


def _cell(table, cohort: int, forum: int):
    """(people, share) of a cohort at a forum; the cohort's own first forum is all of it,
    forums before it are empty."""
    size = int(table.sizes[cohort])
    if forum < cohort or not size:
        return None
    if forum == cohort:
        return (size, 1.0)
    returned = int(table.returned[cohort][forum])
    return (returned, round(returned / size, 3))


@page(
    "engagement.view_engagementsnapshot",
    "engagement.view_contactengagement",
    "crm.view_participation",
)
def engagement_overview(request):
    programmes = programmes_by_size()
    chosen = next((p for p in programmes if str(p.pk) == request.GET.get("programme")), None)
    programme = chosen or (programmes[0] if programmes else None)
    heat = returning = None
    if programme is not None:
        table = cohort_table(programme=programme)
        labels = [f"{Truncator(title).chars(40)} ({date})" for _pk, title, date in table.forums]
        heat = [
            {
                "label": labels[i],
                "size": int(table.sizes[i]),
                "cells": [_cell(table, i, j) for j in range(len(labels))],
            }
            for i in range(len(labels))
        ]
        rows = forum_balance(programme=programme)
        returning = {
            "labels": [forum_label(r["number"], r["title"]) for r in rows],
            "rates": [round(r["returning_rate"] or 0, 3) for r in rows],
            "attendees": [r["attendees"] for r in rows],
        }
        heat_labels = labels
    else:
        heat_labels = []
    snapshot = engagement_snapshot_select()
    missed = _missed(request.GET, snapshot)
    lapsed, lapsed_total = [], 0
    if snapshot is not None:
        rows = lapsed_queryset(snapshot, missed=missed)
        lapsed, lapsed_total = list(rows[:200]), rows.count()
    return render(
        request,
        "web/engagement/index.html",
        {
            "section": "engagement",
            "programmes": programmes,
            "programme": programme,
            "heat": heat,
            "heat_labels": heat_labels,
            "returning": returning,
            "snapshot": snapshot,
            "lapsed": lapsed,
            "lapsed_total": lapsed_total,
            "missed": missed,
            "can_mail": may(request.user, "crm.add_contactlist", "outreach.add_mailing"),
            "can_recompute": may(request.user, "engagement.add_engagementsnapshot"),
        },
    )


@require_POST
@changes("crm.add_contactlist", "outreach.add_mailing")
def lapsed_email(request):
    """ "Email them": keep today's lapsed regulars as a list (the one already saved for the
    same snapshot and rule, if any), then compose a mailing to it."""
    snapshot = engagement_snapshot_select()
    if snapshot is None:
        messages.error(request, _("Engagement has not been computed yet."))
        return redirect("web:engagement")
    missed = _missed(request.POST, snapshot)
    with transaction.atomic():
        contact_list = lapsed_list_reuse_or_save(
            snapshot=snapshot, missed=missed, created_by=request.user
        )
    query = urlencode(
        {
            "audience_kind": "contact_list",
            "contact_list": contact_list.pk,
            "purpose": ConsentPurpose.FORUM_UPDATES,
            "name": contact_list.name,
        }
    )
    return redirect(f"{reverse('web:mailing_new')}?{query}")
