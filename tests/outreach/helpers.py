"""Shared by the outreach tests: audiences made in bulk."""

import datetime as dt

from crm.models import Consent, Contact, Forum, Participation


def consenting_attendees(size: int) -> tuple[Forum, list[int]]:
    """``size`` attendees of one forum (person0@example.org, ...), all consenting to forum
    updates, created in bulk."""
    forum = Forum.objects.create(title="Plenary", date=dt.date(2019, 4, 30))
    contacts = Contact.objects.bulk_create(
        Contact(given_name=f"Person{i}", email=f"person{i}@example.org", search_key=f"person{i}")
        for i in range(size)
    )
    Participation.objects.bulk_create(
        Participation(contact=c, forum=forum, status="attended") for c in contacts
    )
    Consent.objects.bulk_create(
        Consent(contact=c, purpose="forum_updates", granted=True, source="form") for c in contacts
    )
    return forum, [c.pk for c in contacts]
