from dataclasses import fields

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.timezone import localdate
from django.utils.translation import gettext as _

from core.exports import csv_response
from crm.models import ConsentPurpose, Contact
from crm.models.contacts import CONTACT_DETAILS
from crm.selectors import contacts as crm_contacts
from crm.selectors.contacts import contact_queryset, contact_records, contacts_attach_consent
from crm.services.contacts import contact_create, contact_update
from crm.services.intake import contact_intake
from engagement.models import EngagementLevel
from engagement.selectors import contact_engagement_history, contacts_with_engagement
from network.selectors import (
    PositionPoint,
    broker_profile,
    contact_position,
    contact_position_history,
)
from outreach.selectors import contact_emails, contact_invitations
from web.access import changes, may, page, personal_export_check
from web.change_history import changes_shown
from web.forms import ContactFilterForm, ContactForm
from web.forms.records import ContactIntakeForm
from web.metric_definitions import DEFINITIONS
from web.paging import paginate, query_without, sort
from web.views.record_pages import service_save

SORTS = {
    "name": "family_name",
    "given_name": "given_name",
    "sector": "sector",
    "city": "city",
    "score": "engagement_score",
    "updated": "updated",
}


def _filtered(request):
    """The contact list as filtered on the page: the API's FilterSet, plus the engagement
    level and score from the latest snapshot."""
    form = ContactFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # A filter that cannot be applied shows nothing (and says why), never everyone.
        return form, Contact.objects.none(), "name"
    queryset = contacts_with_engagement(
        crm_contacts.contact_list(filters=request.GET), level=request.GET.get("level", "")
    )
    queryset, current_sort = sort(request, queryset, SORTS, "name")
    return form, queryset, current_sort


@page("crm.view_contact", "crm.view_consent", "engagement.view_contactengagement")
def contact_list(request):
    form, queryset, current_sort = _filtered(request)
    if request.GET.get("format") == "csv":
        personal_export_check(request.user)
        if form.is_bound and not form.is_valid():
            return HttpResponseBadRequest(form.errors.as_text(), content_type="text/plain")
        return _csv(queryset)
    contacts = paginate(request, queryset)
    contacts_attach_consent(list(contacts.object_list))
    purposes = dict(ConsentPurpose.choices)
    for contact in contacts:
        level = contact.engagement_level
        contact.level_label = EngagementLevel(level).label if level else ""
        contact.consent_labels = [purposes[p] for p, granted in contact.consent.items() if granted]
    return render(
        request,
        "web/contacts/list.html",
        {
            "section": "contacts",
            "form": form,
            "contacts": contacts,
            "sort": current_sort,
            "sort_query": query_without(request, "sort", "page"),
            "page_query": query_without(request, "page"),
            "can_add": may(request.user, "crm.add_contact"),
        },
    )


CSV_HEADER = [
    "id",
    *CONTACT_DETAILS,
    "sector",
    "organisation",
    "engagement_level",
    "engagement_score",
]


def _csv(queryset):
    """The whole filtered view as CSV, streamed."""

    def rows():
        for contact in queryset.iterator(chunk_size=2000):
            current = contact.current_affiliations
            yield [
                contact.pk,
                # Each detail by its name, so the cells follow the header however it changes.
                *(str(getattr(contact, name) or "") for name in CONTACT_DETAILS),
                contact.sector,
                "; ".join(a.organisation.name for a in current),
                contact.engagement_level or "",
                "" if contact.engagement_score is None else round(contact.engagement_score, 3),
            ]

    return csv_response(CSV_HEADER, rows(), "contacts")


@page(
    "crm.view_contact",
    "crm.view_affiliation",
    "crm.view_participation",
    "crm.view_workinggroupmembership",
    "crm.view_consent",
    "engagement.view_contactengagement",
    "network.view_actormetrics",
    "network.view_networktie",
    "outreach.view_outboxmessage",
    "outreach.view_invitation",
)
def contact_detail(request, pk: int):
    contact = get_object_or_404(contact_queryset(), pk=pk)
    contacts_attach_consent([contact])
    records = contact_records(contact)
    engagement = contact_engagement_history(contact.pk)
    position, ties = contact_position(contact.pk)
    positions = contact_position_history(contact.pk)
    return render(
        request,
        "web/contacts/detail.html",
        {
            "section": "contacts",
            "contact": contact,
            "affiliations": records.affiliations,
            "participations": records.participations,
            "memberships": records.memberships,
            "engagement": engagement[-1] if engagement else None,
            "engagement_history": _score_history(engagement),
            "position": position,
            "ties": ties,
            "broker": broker_profile(position) if position else None,
            "position_history": {
                "dates": [p.date.isoformat() for p in positions],
                **{m: [round(getattr(p, m), 5) for p in positions] for m in POSITION_METRICS},
            },
            "position_labels": {m: str(DEFINITIONS[m].label) for m in POSITION_METRICS},
            "consents": records.consents,
            "emails": contact_emails(contact.pk),
            "invitations": contact_invitations(contact.pk),
            "history": changes_shown(records.history),
            "can_edit": may(request.user, "crm.change_contact"),
        },
    )


# The figures a position over time charts: PositionPoint's metric fields.
POSITION_METRICS = [f.name for f in fields(PositionPoint) if f.name in DEFINITIONS]


def _score_history(engagement) -> dict:
    """Chart data of a score over time, by date (a snapshot of every forum counts as of the
    day it finished), so the chart's time axis spaces the points as the years went."""
    points = sorted(
        (e.snapshot.as_of or localdate(e.snapshot.finished), round(e.score or 0, 3))
        for e in engagement
        if e.snapshot.as_of or e.snapshot.finished
    )
    return {
        "dates": [day.isoformat() for day, _score in points],
        "scores": [score for _day, score in points],
    }


def _save(request, form, contact=None):
    data = dict(form.cleaned_data)
    try:
        if contact is None:
            return contact_create(**data)
        return contact_update(contact=contact, data=data)
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
        return None


@changes("crm.add_contact", "crm.add_affiliation", "crm.add_consent")
def contact_new(request):
    """Details, where they work, and consent given in person: one service, one transaction."""
    form = ContactIntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = service_save(
            form, lambda: contact_intake(**form.intake(recorded_by=request.user))
        )
        if contact is not None:
            messages.success(request, _("Contact created."))
            return redirect("web:contact", pk=contact.pk)
    return render(request, "web/contacts/form.html", {"section": "contacts", "form": form})


@changes("crm.change_contact")
def contact_edit(request, pk: int):
    contact = get_object_or_404(Contact, pk=pk)
    initial = {
        "tags": ", ".join(contact.tags.names()),
        "sector": contact.sector if contact.sector_explicit else "",
    }
    form = ContactForm(request.POST or None, instance=contact, initial=initial)
    if request.method == "POST" and form.is_valid():
        # The form validated against a copy; the service writes (and validates) for real.
        contact.refresh_from_db()
        if _save(request, form, contact) is not None:
            messages.success(request, _("Changes saved."))
            return redirect("web:contact", pk=contact.pk)
    return render(
        request, "web/contacts/form.html", {"section": "contacts", "form": form, "contact": contact}
    )
