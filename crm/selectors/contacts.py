from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F, Prefetch, QuerySet

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

# A contact's own columns as a list shows them.
CONTACT_ROW_FIELDS = (
    "id",
    "given_name",
    "family_name",
    "patronymic",
    "email",
    "phone",
    "city",
    "language",
    "sector",
    "sector_explicit",
    "notes",
    "created",
    "updated",
)


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


def contact_rows(contacts: QuerySet[Contact]) -> QuerySet:
    """The contacts as plain rows of their own columns (``CONTACT_ROW_FIELDS``), in order.

    For long lists: building a model instance per contact, and another two per affiliation
    and per topic, costs more than the queries that read them (bench/contacts_api.py).
    Complete a page of rows with ``contact_rows_complete``.
    """
    return contacts.prefetch_related(None).values(*CONTACT_ROW_FIELDS)


def contact_rows_complete(rows: list[dict]) -> None:
    """Add to a page of rows what a list shows beside the contact's own columns, in three
    queries whatever the page's size: ``current_affiliations`` (in Affiliation's order, each
    with ``organisation_name``), ``topics`` (names) and ``consent`` ({purpose: state})."""
    ids = [row["id"] for row in rows]
    affiliations = defaultdict(list)
    current = Affiliation.objects.filter(contact_id__in=ids, end_date__isnull=True).values(
        "contact_id",
        "id",
        "organisation_id",
        "position",
        "is_primary",
        organisation_name=F("organisation__name"),
    )
    for affiliation in current:
        affiliations[affiliation.pop("contact_id")].append(affiliation)
    topics = defaultdict(list)
    links = ContactTag.objects.filter(content_object_id__in=ids).values_list(
        "content_object_id", "tag__name"
    )
    for contact_id, name in links:
        topics[contact_id].append(name)
    states = consent_states(ids)
    for row in rows:
        row["current_affiliations"] = affiliations[row["id"]]
        row["topics"] = topics[row["id"]]
        row["consent"] = states[row["id"]]
