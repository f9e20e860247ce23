from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import Forum, ForumDocument, ForumPartner, Organisation, Programme

from .common import model_create, model_update, values_known

PROGRAMME_FIELDS = (
    "name",
    "funder",
    "start_year",
    "end_year",
    "city",
    "description",
    "sector_targets",
)
FORUM_FIELDS = (
    "programme",
    "number",
    "title",
    "kind",
    "date",
    "start_time",
    "end_time",
    "city",
    "venue",
    "objective",
    "outcome",
    "capacity",
)


@transaction.atomic
def programme_create(**values) -> Programme:
    return model_create(Programme, **values_known("programme_create", values, PROGRAMME_FIELDS))


@transaction.atomic
def programme_update(*, programme: Programme, data: dict) -> Programme:
    return model_update(instance=programme, data=data, fields=PROGRAMME_FIELDS)[0]


def _partners_set(*, forum: Forum, partners: Iterable[dict]) -> None:
    """Replace the forum's partner list with ``[{"organisation": Organisation, "role": str}]``."""
    wanted: set[tuple[int, str]] = set()
    for link in partners:
        organisation: Organisation = link["organisation"]
        key = (organisation.pk, link["role"])
        if key in wanted:
            raise ValidationError(
                {
                    "partners": _("%(org)s is listed twice as %(role)s.")
                    % {"org": organisation, "role": link["role"]}
                }
            )
        wanted.add(key)
    existing = {(p.organisation_id, p.role): p for p in forum.partner_links.all()}
    for key, link in existing.items():
        if key not in wanted:
            link.delete()
    ForumPartner.objects.bulk_create(
        ForumPartner(forum=forum, organisation_id=org_id, role=role)
        for org_id, role in wanted - existing.keys()
    )


@transaction.atomic
def forum_create(*, partners: Iterable[dict] = (), **values) -> Forum:
    forum = model_create(Forum, **values_known("forum_create", values, FORUM_FIELDS))
    _partners_set(forum=forum, partners=partners)
    return forum


@transaction.atomic
def forum_update(*, forum: Forum, data: dict) -> Forum:
    data = dict(data)
    partners = data.pop("partners", None)
    forum, _changed = model_update(instance=forum, data=data, fields=FORUM_FIELDS)
    if partners is not None:
        _partners_set(forum=forum, partners=partners)
    return forum


@transaction.atomic
def forum_document_create(*, forum: Forum, kind: str, title: str = "", file=None, url: str = ""):
    return model_create(
        ForumDocument, forum=forum, kind=kind, title=title, file=file or "", url=url
    )


@transaction.atomic
def programme_delete(*, programme: Programme) -> None:
    """Remove a programme; one that still has forums or working groups is refused
    (ProtectedError, which says by what)."""
    programme.delete()


@transaction.atomic
def forum_delete(*, forum: Forum) -> None:
    """Remove a forum entered by mistake, with its partners and documents; one with
    participations is refused (ProtectedError): attendance is history."""
    forum.delete()


@transaction.atomic
def forum_document_delete(*, document: ForumDocument) -> None:
    document.delete()
