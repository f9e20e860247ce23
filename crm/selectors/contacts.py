from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from core.filters import filterset_bind
from crm.filters import ContactFilter
from crm.models import (
    Affiliation,
    Consent,
    Contact,
    ContactTag,
    Participation,
    WorkingGroupMembership,
)

from .consent import consent_states
from .history import Change, contact_history


def contact_queryset() -> QuerySet[Contact]:
    """Contacts with what a list shows: current affiliations (with organisation) and topics.

    Topics are prefetched through the link table into ``topic_links``: taggit's own manager
    builds a queryset per contact when prefetched, which costs more than the query itself.
    """
    current = Affiliation.objects.filter(end_date__isnull=True).select_related("organisation")
    return Contact.objects.prefetch_related(
        Prefetch("affiliations", queryset=current, to_attr="current_affiliations"),
        Prefetch(
            "contacttag_set",
            queryset=ContactTag.objects.select_related("tag"),
            to_attr="topic_links",
        ),
    )


def contact_list(*, filters) -> QuerySet[Contact]:
    """The contacts the API's FilterSet lets through (``filters`` a query dict), with what a
    list shows. A filter that cannot be applied lets no one through, never everyone."""
    filterset = filterset_bind(ContactFilter, filters, contact_queryset())
    return filterset.qs if filterset.is_valid() else Contact.objects.none()


def contacts_attach_consent(contacts: list[Contact]) -> None:
    """Set ``contact.consent`` ({purpose: state}) on a page of contacts with one query."""
    states = consent_states(c.pk for c in contacts)
    for contact in contacts:
        contact.consent = states[contact.pk]


@dataclass
class ContactRecords:
    """What the CRM holds about one contact, newest first."""

    affiliations: list[Affiliation]
    participations: list[Participation]
    memberships: list[WorkingGroupMembership]
    consents: list[Consent]
    history: list[Change]


def contact_records(contact: Contact, *, history_limit: int = 50) -> ContactRecords:
    """One contact's affiliations, forums, working groups, consent statements and change
    history: a query each, whatever the number of rows."""
    return ContactRecords(
        affiliations=list(
            Affiliation.objects.filter(contact=contact)
            .select_related("organisation")
            .order_by("-start_date")
        ),
        participations=list(
            Participation.objects.filter(contact=contact)
            .select_related("forum", "organisation")
            .order_by("-forum__date")
        ),
        memberships=list(
            WorkingGroupMembership.objects.filter(contact=contact)
            .select_related("working_group")
            .order_by("-joined_on")
        ),
        consents=list(Consent.objects.filter(contact=contact).order_by("-recorded_at", "-id")),
        history=contact_history(contact)[:history_limit],
    )
