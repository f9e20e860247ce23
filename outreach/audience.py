"""Who a mailing goes to, and who is left out and why. Reads only (bulk queries)."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from crm.models import (
    Contact,
    ContactListMember,
    Language,
    Participation,
    WorkingGroupMembership,
)
from crm.selectors.consent import consent_states

from .models import EmailHold, Invitation, SuppressionReason

AUDIENCE_KINDS = ("forum", "working_group", "contacts", "contact_list", "lapsed", "invitations")


class AudienceError(ValueError):
    pass


def audience_contact_ids(audience: dict) -> list[int]:
    """The contacts an audience description selects, in a stable order (by id)."""
    kinds = [kind for kind in AUDIENCE_KINDS if kind in audience]
    if len(kinds) != 1:
        raise AudienceError(
            _("Give exactly one of: %(kinds)s.") % {"kinds": ", ".join(AUDIENCE_KINDS)}
        )
    kind = kinds[0]
    if kind == "forum":
        rows = Participation.objects.filter(forum_id=audience["forum"])
        if audience.get("status"):
            rows = rows.filter(status__in=audience["status"])
        if audience.get("role"):
            rows = rows.filter(role__in=audience["role"])
        if audience.get("sector"):
            rows = rows.filter(
                Q(organisation__sector__in=audience["sector"])
                | Q(organisation__isnull=True, contact__sector__in=audience["sector"])
            )
        ids = rows.values_list("contact_id", flat=True)
    elif kind == "working_group":
        ids = set(
            WorkingGroupMembership.objects.filter(
                working_group_id=audience["working_group"], left_on__isnull=True
            ).values_list("contact_id", flat=True)
        )
        if audience.get("invitees"):
            ids |= set(
                Invitation.objects.filter(
                    working_group_id=audience["working_group"], status="pending"
                ).values_list("contact_id", flat=True)
            )
    elif kind == "contacts":
        ids = Contact.objects.filter(pk__in=audience["contacts"]).values_list("pk", flat=True)
    elif kind == "contact_list":
        ids = ContactListMember.objects.filter(
            contact_list_id=audience["contact_list"]
        ).values_list("contact_id", flat=True)
    elif kind == "lapsed":
        from engagement.selectors import engagement_snapshot_select, lapsed_queryset

        snapshot = engagement_snapshot_select()
        if snapshot is None:
            raise AudienceError(_("No engagement snapshot yet: compute engagement first."))
        missed = (audience["lapsed"] or {}).get("missed")  # default: the snapshot's rule
        ids = lapsed_queryset(snapshot, missed=None if missed is None else int(missed)).values_list(
            "contact_id", flat=True
        )
    else:  # invitations: the messages that carry working-group invitations
        ids = Invitation.objects.filter(pk__in=audience["invitations"]).values_list(
            "contact_id", flat=True
        )
    return sorted(set(ids))


@dataclass(frozen=True)
class Recipient:
    contact_id: int
    name: str
    email: str
    language: str
    reason: str  # "" when the message will be sent


def recipients(*, audience: dict, purpose: str) -> list[Recipient]:
    """Everyone the audience selects, with the reason for leaving anyone out: no address,
    no consent for the purpose, opted out, address on hold, address already taken by
    another recipient. Four queries whatever the size."""
    ids = audience_contact_ids(audience)
    contacts = list(
        Contact.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "given_name", "family_name", "email", "language")
    )
    states = consent_states(ids)
    emails = [c[3] for c in contacts if c[3]]
    held = set(
        EmailHold.objects.filter(email__in=emails, held=True).values_list("email", flat=True)
    )
    seen: set[str] = set()
    result = []
    for pk, given, family, email, language in contacts:
        state = states[pk][purpose]
        if not email:
            reason = SuppressionReason.NO_EMAIL
        elif state is None:
            reason = SuppressionReason.NO_CONSENT
        elif state is False:
            reason = SuppressionReason.OPTED_OUT
        elif email in held:
            reason = SuppressionReason.ON_HOLD
        elif canonical_address(email) in seen:
            reason = SuppressionReason.DUPLICATE
        else:
            reason = ""
        if email:
            seen.add(canonical_address(email))
        result.append(
            Recipient(
                contact_id=pk,
                name=" ".join(p for p in (given, family) if p),
                email=email or "",
                language=language or Language.RUSSIAN,
                reason=str(reason),
            )
        )
    return result


def canonical_address(email: str) -> str:
    """The mailbox an address delivers to: "+tags" dropped, and dots too for Gmail, so
    that a.kasymova+forum@gmail.com and akasymova@gmail.com count as one recipient."""
    local, _at, domain = email.lower().partition("@")
    local = local.split("+", 1)[0]
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"
