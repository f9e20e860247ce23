"""Load the WeAlmaty demo: the real programme and events, with synthetic people.

Every record is looked up by a natural key before it is created, and the synthetic plan is a
pure function of its seed, so a second run finds everything and changes nothing. The whole
load is one transaction: it never leaves half a demo behind.
"""

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from crm.demo import facts, synthetic
from crm.models import (
    Consent,
    Contact,
    Forum,
    Organisation,
    Participation,
    Programme,
    WorkingGroup,
    WorkingGroupMembership,
)
from crm.normalisation import organisation_name_key

from .affiliations import affiliation_create
from .consent import consent_record
from .contacts import contact_create
from .forums import forum_create, programme_create
from .organisations import organisation_create
from .participation import participation_create
from .working_groups import membership_create, working_group_create


def _organisation(counter: Counter, *, name: str, sector: str, city: str, **extra) -> Organisation:
    existing = Organisation.objects.filter(name_key=organisation_name_key(name)).first()
    if existing:
        return existing
    counter["organisations"] += 1
    return organisation_create(name=name, sector=sector, city=city, **extra)


@transaction.atomic
def demo_load(*, seed: int = 2017) -> Counter:
    """Load (or complete) the demo; returns how many records of each kind were created."""
    created: Counter = Counter()
    tz = ZoneInfo(settings.TIME_ZONE)

    real = {
        fact.key: _organisation(
            created,
            name=fact.name,
            sector=fact.sector,
            city=fact.city,
            website=fact.website,
            description=fact.description,
        )
        for fact in facts.ORGANISATIONS
    }
    invented = {
        name: _organisation(
            created, name=name, sector=sector, city=city, description=synthetic.SYNTHETIC_ORG_NOTE
        )
        for name, sector, city in synthetic.ORGANISATIONS
    }
    organisations = {**real, **invented}

    programme = Programme.objects.filter(name=facts.PROGRAMME["name"]).first()
    if programme is None:
        programme = programme_create(**facts.PROGRAMME, funder=real["eu"])
        created["programmes"] += 1

    forums: list[Forum] = []
    for fact in facts.FORUMS:
        forum = Forum.objects.filter(programme=programme, date=fact.date, kind=fact.kind).first()
        if forum is None:
            forum = forum_create(
                programme=programme,
                number=fact.number,
                title=fact.title,
                kind=fact.kind,
                date=fact.date,
                start_time=fact.start_time,
                end_time=fact.end_time,
                city=fact.city,
                venue=fact.venue,
                objective=fact.objective,
                outcome=fact.outcome,
                partners=[{"organisation": real[key], "role": role} for key, role in fact.partners],
            )
            created["forums"] += 1
        forums.append(forum)

    plan = synthetic.demo_plan(seed)
    contacts: dict[int, Contact] = {}
    existing_contacts = {
        c.email: c for c in Contact.objects.filter(email__in=[p.email for p in plan.people])
    }
    for person in plan.people:
        contact = existing_contacts.get(person.email)
        if contact is None:
            contact = contact_create(
                given_name=person.given_name,
                family_name=person.family_name,
                patronymic=person.patronymic,
                email=person.email,
                phone=person.phone,
                city=person.city,
                language=person.language,
                sector=person.explicit_sector,
                tags=person.topics,
                notes=synthetic.SYNTHETIC_NOTE,
            )
            created["contacts"] += 1
            for org_key, position, start, end, primary in person.affiliations:
                affiliation_create(
                    contact=contact,
                    organisation=organisations[org_key],
                    position=position,
                    start_date=start,
                    end_date=end,
                    is_primary=primary,
                )
                created["affiliations"] += 1
        contacts[person.index] = contact

    recorded = set(
        Participation.objects.filter(forum__in=forums).values_list("contact_id", "forum_id")
    )
    for item in plan.participations:
        contact, forum = contacts[item.person], forums[item.forum]
        if (contact.pk, forum.pk) in recorded:
            continue
        participation_create(contact=contact, forum=forum, role=item.role, status=item.status)
        recorded.add((contact.pk, forum.pk))
        created["participations"] += 1

    groups = []
    for fact in facts.WORKING_GROUPS:
        group = WorkingGroup.objects.filter(title=fact.title).first()
        if group is None:
            origin = next(f for f in forums if f.number == fact.origin_number)
            group = working_group_create(
                title=fact.title,
                theme=fact.theme,
                description=fact.description,
                origin_forum=origin,
                status="active",
            )
            created["working_groups"] += 1
        groups.append(group)
    for group_index, person_index, role, joined, left in plan.memberships:
        group, contact = groups[group_index], contacts[person_index]
        if WorkingGroupMembership.objects.filter(
            working_group=group, contact=contact, joined_on=joined
        ).exists():
            continue
        membership_create(
            working_group=group, contact=contact, role=role, joined_on=joined, left_on=left
        )
        created["memberships"] += 1

    for person_index, purpose, granted, source, version, date in plan.consents:
        contact = contacts[person_index]
        when = dt.datetime.combine(date, dt.time(10, 0), tzinfo=tz)
        if Consent.objects.filter(
            contact=contact, purpose=purpose, granted=granted, recorded_at=when
        ).exists():
            continue
        consent_record(
            contact=contact,
            purpose=purpose,
            granted=granted,
            source=source,
            text_version=version,
            recorded_at=when,
        )
        created["consents"] += 1
    return created
