"""An outbox row as an e-mail: its fields, its signed links and its headers."""

from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation

from .models import Mailing, OutboxMessage
from .rendering import render
from .tokens import invitation_token, unsubscribe_token


def _public(path: str) -> str:
    return settings.OUTREACH_PUBLIC_URL.rstrip("/") + path


def contact_fields(contact, email: str) -> dict:
    """The ``contact`` fields of a message to this contact at this address."""
    return {
        "given_name": contact.given_name,
        "family_name": contact.family_name,
        "full_name": contact.full_name,
        "email": email,
    }


def example_links(*, invitation: bool) -> dict:
    """Links for a preview that is not a message: on the public address, but carrying no
    token, so that following one from a preview unsubscribes or answers for nobody."""
    links = {"unsubscribe_url": _public(reverse("unsubscribe", args=["example"]))}
    if invitation:
        for answer in ("accept", "decline"):
            example = reverse("invitation-answer", args=[f"example-{answer}"])
            links[f"{answer}_url"] = _public(example)
    return links


def mailing_fields(mailing: Mailing) -> dict:
    """The fields every message of a mailing shares: its forum or working group."""
    return about_fields(
        forum=mailing.forum if mailing.forum_id else None,
        working_group=mailing.working_group if mailing.working_group_id else None,
    )


def about_fields(*, forum=None, working_group=None) -> dict:
    """The ``forum`` and ``working_group`` fields of a message about them."""
    context: dict = {}
    if forum is not None:
        context["forum"] = {
            "title": forum.title,
            "number": forum.number,
            "date": forum.date,
            "venue": forum.venue,
            "city": forum.city,
        }
    if working_group is not None:
        context["working_group"] = {"title": working_group.title, "theme": working_group.theme}
    return context


def message_build(row: OutboxMessage, mailing: Mailing, compiled: dict, shared: dict):
    """The e-mail for one outbox row: its template in the recipient's language, its own
    Message-ID, and RFC 8058 one-click unsubscribe headers with a signed token."""
    contact = row.contact
    token = unsubscribe_token(contact_id=contact.pk, purpose=mailing.purpose, message_id=row.pk)
    unsubscribe_url = _public(reverse("unsubscribe", args=[token]))
    context = {
        **shared,
        "contact": contact_fields(contact, row.email),
        "unsubscribe_url": unsubscribe_url,
    }
    if row.invitation_id:
        for answer in ("accept", "decline"):
            answer_token = invitation_token(invitation_id=row.invitation_id, answer=answer)
            context[f"{answer}_url"] = _public(reverse("invitation-answer", args=[answer_token]))
    # Dates and numbers as the recipient reads them, whichever thread or request renders.
    with translation.override(row.language):
        rendered = render(compiled[row.language], context)
    # The one-click link (RFC 8058) is what mail providers use. A mailto address is offered
    # only when a deployment names a mailbox that someone actually reads: a withdrawal sent
    # to a mailbox nobody reads would be lost.
    links = [f"<{unsubscribe_url}>"]
    if settings.OUTREACH_UNSUBSCRIBE_MAILBOX:
        subject = quote("unsubscribe " + token)
        links.append(f"<mailto:{settings.OUTREACH_UNSUBSCRIBE_MAILBOX}?subject={subject}>")
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.email],
        headers={
            "Message-ID": row.message_id,
            "List-Unsubscribe": ", ".join(links),
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    if rendered.body_html:
        message.attach_alternative(rendered.body_html, "text/html")
    return message
