from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from crm.models import Affiliation, Contact, Forum, Organisation, Participation, ParticipationRole
from crm.models import ParticipationStatus as Status

from .common import model_create, model_update

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
    if data.get("status") == Status.REGISTERED and participation.status != Status.REGISTERED:
        participation_capacity_check(forum=participation.forum, exclude_id=participation.pk)
    return model_update(instance=participation, data=data, fields=PARTICIPATION_FIELDS)[0]
