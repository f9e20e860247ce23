from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from crm.models import Affiliation, Contact, Forum, Organisation, Participation
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
        .order_by("-is_primary", "-start_date", "-id")
        .first()
    )
    return affiliation.organisation if affiliation else None


def _check_capacity(*, forum: Forum, exclude_id: int | None = None) -> None:
    # Locks the forum row so that two registrations for the last seat are decided in turn.
    forum = Forum.objects.select_for_update().get(pk=forum.pk)
    if forum.capacity is None:
        return
    taken = (
        Participation.objects.filter(forum=forum, status__in=SEAT_HOLDING)
        .exclude(pk=exclude_id)
        .count()
    )
    if taken >= forum.capacity:
        raise ValidationError(
            {
                "status": _(
                    "This forum is full (%(capacity)d places). Record the contact as "
                    "waitlisted instead."
                )
                % {"capacity": forum.capacity}
            }
        )


@transaction.atomic
def participation_create(
    *,
    contact: Contact,
    forum: Forum,
    role: str = "participant",
    status: str = Status.REGISTERED,
    organisation: Organisation | None = None,
) -> Participation:
    """Record a contact at a forum. Without an organisation, the one of the day is taken.

    Only new registrations are held to the forum's capacity: attendance is a fact, and
    walk-ins happen.
    """
    if status == Status.REGISTERED:
        _check_capacity(forum=forum)
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
        _check_capacity(forum=participation.forum, exclude_id=participation.pk)
    return model_update(instance=participation, data=data, fields=PARTICIPATION_FIELDS)[0]
