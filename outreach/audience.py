"""Who a mailing is for: one typed value, read from its JSON form in one place.

A mailing keeps its audience as JSON, one key naming the kind (the API takes the same form):

    {"forum": 9, "status": ["attended"], "role": ["speaker"], "sector": ["media"]}
    {"working_group": 4, "invitees": true}
    {"contacts": [1, 2, 3]}
    {"contact_list": 7}
    {"lapsed": {"missed": 3}}
    {"invitations": [5, 6]}

The last kind is written by the invitation services only (its messages carry the answer
links of those invitations), so nobody can choose it: ``audience_parse`` refuses it unless
it reads a mailing's own record (``mailing_audience``). Everything else in outreach works
with the dataclasses below, never with the JSON.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.ids import MAX_ID
from crm.models import (
    Contact,
    ContactList,
    ContactListMember,
    Forum,
    Participation,
    Sector,
    WorkingGroup,
    WorkingGroupMembership,
)
from crm.models.choices import ParticipationRole, ParticipationStatus
from engagement.choices import LAPSED_MISSED_MAX

from .models import Invitation, InvitationStatus, Mailing


class AudienceError(ValidationError):
    """An audience that cannot be used, said under "audience" (where the API and the
    compose page show it)."""

    def __init__(self, message: str):
        super().__init__({"audience": [message]})


@dataclass(frozen=True)
class Audience:
    """One kind of audience; the subclasses below are all there is."""

    key: ClassVar[str]  # the JSON key that names the kind
    fields: ClassVar[frozenset[str]]  # every key the kind's JSON may have

    def __init_subclass__(cls, *, key: str = "", options: Iterable[str] = (), **kwargs):
        super().__init_subclass__(**kwargs)
        if key:
            cls.key, cls.fields = key, frozenset({key, *options})

    def contact_ids(self) -> list[int]:
        """The contacts it selects, each once, by id."""
        return sorted(set(self._select()))

    def check(self) -> None:
        """Refuse an audience that names rows that do not exist (or, for lapsed regulars,
        nothing to compute them from). ``audience_parse`` checks the form only."""

    def stored(self) -> dict:
        raise NotImplementedError

    def _select(self) -> Iterable[int]:
        raise NotImplementedError

    @classmethod
    def _parse(cls, value: dict) -> "Audience":
        raise NotImplementedError


@dataclass(frozen=True)
class ForumAudience(Audience, key="forum", options=("status", "role", "sector")):
    """A forum's participants, narrowed by status, role and sector (none given: all)."""

    forum: int
    statuses: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()

    def _select(self):
        rows = Participation.objects.filter(forum_id=self.forum)
        if self.statuses:
            rows = rows.filter(status__in=self.statuses)
        if self.roles:
            rows = rows.filter(role__in=self.roles)
        if self.sectors:
            # The sector of the organisation they came for; their own without one.
            rows = rows.filter(
                Q(organisation__sector__in=self.sectors)
                | Q(organisation__isnull=True, contact__sector__in=self.sectors)
            )
        return rows.values_list("contact_id", flat=True)

    def check(self):
        if not Forum.objects.filter(pk=self.forum).exists():
            raise AudienceError(_("No such forum."))

    def stored(self):
        narrowed = {"status": self.statuses, "role": self.roles, "sector": self.sectors}
        return {"forum": self.forum} | {k: list(v) for k, v in narrowed.items() if v}

    @classmethod
    def _parse(cls, value):
        return cls(
            forum=_row_id(value, "forum"),
            statuses=_choices(value, "status", ParticipationStatus),
            roles=_choices(value, "role", ParticipationRole),
            sectors=_choices(value, "sector", Sector),
        )


@dataclass(frozen=True)
class WorkingGroupAudience(Audience, key="working_group", options=("invitees",)):
    """A working group's current members, and with ``invitees`` those invited and not
    answered yet."""

    working_group: int
    invitees: bool = False

    def _select(self):
        ids = set(
            WorkingGroupMembership.objects.filter(
                working_group_id=self.working_group, left_on__isnull=True
            ).values_list("contact_id", flat=True)
        )
        if self.invitees:
            ids |= set(
                Invitation.objects.filter(
                    working_group_id=self.working_group, status=InvitationStatus.PENDING
                ).values_list("contact_id", flat=True)
            )
        return ids

    def check(self):
        if not WorkingGroup.objects.filter(pk=self.working_group).exists():
            raise AudienceError(_("No such working group."))

    def stored(self):
        return {"working_group": self.working_group} | ({"invitees": True} if self.invitees else {})

    @classmethod
    def _parse(cls, value):
        invitees = value.get("invitees", False)
        if not isinstance(invitees, bool):
            raise AudienceError(_("invitees: true or false."))
        return cls(working_group=_row_id(value, "working_group"), invitees=invitees)


@dataclass(frozen=True)
class _RowsAudience(Audience):
    """A kind that is a list of rows of one model, ``{key: [id, ...]}``, each row
    selecting the contact in its ``contact_field``."""

    model: ClassVar[type[models.Model]]
    contact_field: ClassVar[str]
    missing: ClassVar[str]  # said when some of the rows do not exist

    def __init_subclass__(cls, *, model, missing, contact_field="pk", **kwargs):
        super().__init_subclass__(**kwargs)
        cls.model, cls.missing, cls.contact_field = model, missing, contact_field

    def _ids(self) -> tuple[int, ...]:
        return getattr(self, self.key)

    def _select(self):
        rows = self.model.objects.filter(pk__in=self._ids())
        return rows.values_list(self.contact_field, flat=True)

    def check(self):
        ids = set(self._ids())
        if self.model.objects.filter(pk__in=ids).count() != len(ids):
            raise AudienceError(str(self.missing))

    def stored(self):
        return {self.key: list(self._ids())}

    @classmethod
    def _parse(cls, value):
        return cls(_row_ids(value, cls.key))


@dataclass(frozen=True)
class ContactsAudience(
    _RowsAudience,
    key="contacts",
    model=Contact,
    missing=gettext_lazy("Some of these contacts do not exist."),
):
    """Contacts chosen one by one."""

    contacts: tuple[int, ...]


@dataclass(frozen=True)
class ContactListAudience(Audience, key="contact_list"):
    """The members of a saved contact list."""

    contact_list: int

    def _select(self):
        return ContactListMember.objects.filter(contact_list_id=self.contact_list).values_list(
            "contact_id", flat=True
        )

    def check(self):
        if not ContactList.objects.filter(pk=self.contact_list).exists():
            raise AudienceError(_("No such list."))

    def stored(self):
        return {"contact_list": self.contact_list}

    @classmethod
    def _parse(cls, value):
        return cls(contact_list=_row_id(value, "contact_list"))


@dataclass(frozen=True)
class LapsedAudience(Audience, key="lapsed"):
    """The latest engagement snapshot's lapsed regulars: by its own rule, or those who
    missed the last ``missed`` forums when given."""

    missed: int | None = None

    def _select(self):
        from engagement.selectors import lapsed_queryset

        return lapsed_queryset(self._snapshot(), missed=self.missed).values_list(
            "contact_id", flat=True
        )

    def check(self):
        self._snapshot()

    @staticmethod
    def _snapshot():
        from engagement.selectors import engagement_snapshot_select

        snapshot = engagement_snapshot_select()
        if snapshot is None:
            raise AudienceError(_("No engagement snapshot yet: compute engagement first."))
        return snapshot

    def stored(self):
        return {"lapsed": {} if self.missed is None else {"missed": self.missed}}

    @classmethod
    def _parse(cls, value):
        options = value["lapsed"]
        if options is None:
            return cls()
        if not isinstance(options, dict) or set(options) - {"missed"}:
            raise AudienceError(_('lapsed: an object such as {"missed": 3}.'))
        missed = options.get("missed")
        if missed is not None and not (_is_int(missed) and 1 <= missed <= LAPSED_MISSED_MAX):
            raise AudienceError(
                _("missed: a whole number, 1 to %(most)d.") % {"most": LAPSED_MISSED_MAX}
            )
        return cls(missed=missed)


@dataclass(frozen=True)
class InvitationsAudience(
    _RowsAudience,
    key="invitations",
    model=Invitation,
    contact_field="contact_id",
    missing=gettext_lazy("Some of these invitations do not exist."),
):
    """The contacts of working-group invitations, each message carrying its invitation's
    answer links. Made by the invitation services; never chosen by a user."""

    invitations: tuple[int, ...]

    def invitation_of(self) -> dict[int, int]:
        """{contact id: the invitation their message carries}."""
        return dict(
            Invitation.objects.filter(pk__in=self.invitations).values_list("contact_id", "pk")
        )


_CHOSEN = (
    ForumAudience,
    WorkingGroupAudience,
    ContactsAudience,
    ContactListAudience,
    LapsedAudience,
)
_KINDS = {kind.key: kind for kind in (*_CHOSEN, InvitationsAudience)}


def audience_parse(value: object, *, invitations: bool = False) -> Audience:
    """The audience a JSON value describes, or AudienceError saying what is wrong with it.

    Only the form is checked here (no query); ``Audience.check`` looks the rows up. The
    invitations kind is read only with ``invitations=True``: from a mailing's own record.
    """
    kinds = [kind.key for kind in _CHOSEN] + (["invitations"] if invitations else [])
    if not isinstance(value, dict):
        raise AudienceError(_('An object, e.g. {"forum": 9, "status": ["attended"]}.'))
    given = [key for key in kinds if key in value]
    if len(given) != 1:
        raise AudienceError(_("Give exactly one of: %(kinds)s.") % {"kinds": ", ".join(kinds)})
    kind = _KINDS[given[0]]
    unknown = sorted(str(key) for key in value if key not in kind.fields)
    if unknown:
        raise AudienceError(
            _("%(kind)s does not take: %(keys)s.") % {"kind": kind.key, "keys": ", ".join(unknown)}
        )
    return kind._parse(value)


def mailing_audience(mailing: Mailing) -> Audience:
    """The audience a mailing was created with."""
    return audience_parse(mailing.audience, invitations=True)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _row_id(value: dict, key: str) -> int:
    found = value[key]
    if isinstance(found, str) and found.isascii() and found.isdigit():
        found = int(found)  # "9" as well as 9, as the API's other id fields take
    if not (_is_int(found) and 1 <= found <= MAX_ID):
        raise AudienceError(_("%(key)s: the id of a row, a whole number.") % {"key": key})
    return found


def _row_ids(value: dict, key: str) -> tuple[int, ...]:
    found = value[key]
    if not isinstance(found, list) or not found:
        raise AudienceError(_("%(key)s: a list of ids.") % {"key": key})
    return tuple(_row_id({key: item}, key) for item in found)


def _choices(value: dict, key: str, choices) -> tuple[str, ...]:
    found = value.get(key) or []
    if not isinstance(found, list) or any(item not in choices.values for item in found):
        raise AudienceError(
            _("%(key)s: a list of %(choices)s.")
            % {"key": key, "choices": ", ".join(choices.values)}
        )
    return tuple(found)
