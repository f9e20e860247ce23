import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import model_create, model_update
from crm.models import (
    Affiliation,
    Contact,
    ContactList,
    Forum,
    Organisation,
    Participation,
    ParticipationRole,
)
from crm.models import ParticipationStatus as Status

PARTICIPATION_FIELDS = ("role", "status", "organisation")
# Statuses that hold a seat: the capacity check counts these.
SEAT_HOLDING = (Status.REGISTERED, Status.ATTENDED)


def organisation_on_date(*, contact: Contact, forum: Forum) -> Organisation | None:
    """The organisation the contact belonged to on the forum's date, primary first."""
    affiliation = (
        Affiliation.objects.filter(contact=contact)
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=forum.date))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=forum.date))
        .select_related("organisation")
        .order_by("-is_primary", F("start_date").desc(nulls_last=True), "-id")
        .first()
    )
    return affiliation.organisation if affiliation else None


def participation_capacity_check(
    *, forum: Forum, exclude_id: int | None = None, lock: bool = True, seats: int = 1
) -> None:
    """Refuse ``seats`` more registrations when the forum has fewer places left.

    With ``lock`` (the services) the forum row is locked, so two registrations for the last
    seat are decided in turn; forms check without a lock to show the message early.
    """
    if forum.capacity is None:
        return
    if forum.pk is None:
        # A forum being created with its first registrations (the admin saves both in one
        # submit, and checks before saving anything): no seat is taken yet.
        taken = 0
    else:
        if lock:
            forum = Forum.objects.select_for_update().get(pk=forum.pk)
            if forum.capacity is None:
                return
        taken = (
            Participation.objects.filter(forum=forum, status__in=SEAT_HOLDING)
            .exclude(pk=exclude_id)
            .count()
        )
    if taken + seats > forum.capacity:
        raise ValidationError(
            {
                "status": _(
                    "This forum is full (%(capacity)d places, %(free)d free). Record the "
                    "contact as waitlisted instead."
                )
                % {"capacity": forum.capacity, "free": max(forum.capacity - taken, 0)}
            }
        )


@transaction.atomic
def participation_create(
    *,
    contact: Contact,
    forum: Forum,
    role: str = ParticipationRole.PARTICIPANT,
    status: str = Status.REGISTERED,
    organisation: Organisation | None = None,
) -> Participation:
    """Record a contact at a forum. Without an organisation, the one of the day is taken.

    Only new registrations are held to the forum's capacity: attendance is a fact, and
    walk-ins happen.
    """
    if status == Status.REGISTERED:
        participation_capacity_check(forum=forum)
    if organisation is None:
        organisation = organisation_on_date(contact=contact, forum=forum)
    return model_create(
        Participation,
        contact=contact,
        forum=forum,
        role=role,
        status=status,
        organisation=organisation,
    )


@transaction.atomic
def participation_update(*, participation: Participation, data: dict) -> Participation:
    for fixed in ("contact", "forum"):
        if fixed in data and getattr(data[fixed], "pk", data[fixed]) != getattr(
            participation, f"{fixed}_id"
        ):
            raise ValidationError(
                {fixed: _("A participation cannot move; record a new one instead.")}
            )
    data = {name: value for name, value in data.items() if name not in ("contact", "forum")}
    if data.get("status") == Status.REGISTERED and participation.status != Status.REGISTERED:
        participation_capacity_check(forum=participation.forum, exclude_id=participation.pk)
    return model_update(instance=participation, data=data, fields=PARTICIPATION_FIELDS)[0]


@transaction.atomic
def participation_create_many(
    *,
    forum: Forum,
    contacts: Iterable[Contact],
    role: str = ParticipationRole.PARTICIPANT,
    status: str = Status.REGISTERED,
) -> list[Participation]:
    """Record several contacts at a forum with the same role and status, all or none.

    The seats are checked for all of them at once first, so a forum with two places left
    refuses three registrations with the message that says two are free.
    """
    contacts = list(contacts)
    if status == Status.REGISTERED:
        participation_capacity_check(forum=forum, seats=len(contacts))
    return [
        participation_create(contact=contact, forum=forum, role=role, status=status)
        for contact in contacts
    ]


@transaction.atomic
def participation_invite_contact_list(
    *, forum: Forum, contact_list: ContactList
) -> tuple[list[Participation], int]:
    """Invite every member of a saved list to a forum; members already recorded there keep
    their participation as it is. Returns the new invitations and how many were skipped."""
    members = Contact.objects.filter(lists=contact_list).order_by("pk")
    recorded = set(
        Participation.objects.filter(forum=forum, contact__lists=contact_list).values_list(
            "contact_id", flat=True
        )
    )
    invited = [
        participation_create(contact=contact, forum=forum, status=Status.INVITED)
        for contact in members
        if contact.pk not in recorded
    ]
    return invited, len(recorded)


@transaction.atomic
def participation_mark_no_shows(*, forum: Forum, today: dt.date | None = None) -> int:
    """After the forum's day, record everyone still only registered as a no-show.

    Refused before the day has passed: until the forum is over, anyone registered may still
    come. Returns how many were marked.
    """
    today = today or timezone.localdate()
    if forum.date >= today:
        raise ValidationError(
            {"status": _("No-shows can be recorded only after the forum's day has passed.")}
        )
    absent = Participation.objects.select_for_update().filter(forum=forum, status=Status.REGISTERED)
    marked = 0
    for participation in absent:
        participation_update(participation=participation, data={"status": Status.NO_SHOW})
        marked += 1
    return marked


@transaction.atomic
def participations_mark_attended(*, participations: Iterable[Participation]) -> int:
    """Check several people in at once, all or none; those already marked attended are
    left as they are. Returns how many were marked."""
    marked = 0
    for participation in participations:
        if participation.status != Status.ATTENDED:
            participation_update(participation=participation, data={"status": Status.ATTENDED})
            marked += 1
    return marked


@transaction.atomic
def participation_walk_in(*, forum: Forum, contact: Contact) -> Participation:
    """Someone came who was not expected: record them as attended, whatever they were
    before (invited, cancelled) or as a new participant. Attendance is not held to the
    capacity."""
    existing = Participation.objects.filter(forum=forum, contact=contact).first()
    if existing is not None:
        return participation_update(participation=existing, data={"status": Status.ATTENDED})
    return participation_create(contact=contact, forum=forum, status=Status.ATTENDED)
