from django.db.models import Prefetch, QuerySet

from crm.models import Affiliation, Contact, ContactTag

from .consent import consent_states


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


def contacts_attach_consent(contacts: list[Contact]) -> None:
    """Set ``contact.consent`` ({purpose: state}) on a page of contacts with one query."""
    states = consent_states(c.pk for c in contacts)
    for contact in contacts:
        contact.consent = states[contact.pk]
