"""Synthetic people and organisations for the demo, drawn from a seeded generator.

Everything here is invented: names are common Kazakh, Russian and English names combined at
random, every e-mail address is at example.org (reserved for examples) and every contact's
notes say it is synthetic. The plan is a pure function of the seed, so loading it again finds
the same records and creates nothing.
"""

import datetime as dt
import random
import re
from dataclasses import dataclass, field

from anyascii import anyascii

from crm.models.choices import (
    ConsentPurpose,
    ConsentSource,
    MembershipRole,
    ParticipationRole,
    ParticipationStatus,
    Sector,
)

from .facts import FORUMS

SYNTHETIC_NOTE = "Synthetic demo contact (seeded); not a real person."
SYNTHETIC_ORG_NOTE = "Synthetic organisation generated for the demo."

# (Cyrillic, Latin) pairs, so the same name appears in both scripts across the demo.
KAZAKH_FEMALE = [
    ("Айгерим", "Aigerim"),
    ("Динара", "Dinara"),
    ("Асель", "Assel"),
    ("Жанар", "Zhanar"),
    ("Гульнара", "Gulnara"),
    ("Мадина", "Madina"),
    ("Сауле", "Saule"),
    ("Айжан", "Aizhan"),
    ("Камила", "Kamila"),
    ("Томирис", "Tomiris"),
    ("Әлия", "Aliya"),
    ("Меруерт", "Meruert"),
]
KAZAKH_MALE = [
    ("Нурлан", "Nurlan"),
    ("Ерлан", "Yerlan"),
    ("Бауыржан", "Baurzhan"),
    ("Асхат", "Askhat"),
    ("Дамир", "Damir"),
    ("Ержан", "Yerzhan"),
    ("Қуаныш", "Kuanysh"),
    ("Арман", "Arman"),
    ("Серік", "Serik"),
    ("Темірлан", "Temirlan"),
    ("Ілияс", "Iliyas"),
    ("Данияр", "Daniyar"),
]
KAZAKH_FAMILY = [
    ("Касымов", "Kassymov"),
    ("Ахметов", "Akhmetov"),
    ("Сулейменов", "Suleimenov"),
    ("Жумабаев", "Zhumabayev"),
    ("Нурпеисов", "Nurpeissov"),
    ("Омаров", "Omarov"),
    ("Искаков", "Iskakov"),
    ("Тулегенов", "Tulegenov"),
    ("Абенов", "Abenov"),
    ("Есимов", "Yessimov"),
    ("Байжанов", "Baizhanov"),
    ("Сарсенов", "Sarsenov"),
]
RUSSIAN_FEMALE = [
    ("Ирина", "Irina"),
    ("Ольга", "Olga"),
    ("Елена", "Yelena"),
    ("Наталья", "Natalya"),
    ("Юлия", "Yulia"),
    ("Анна", "Anna"),
    ("Мария", "Maria"),
    ("Ксения", "Kseniya"),
]
RUSSIAN_MALE = [
    ("Сергей", "Sergey"),
    ("Дмитрий", "Dmitriy"),
    ("Алексей", "Alexey"),
    ("Андрей", "Andrey"),
    ("Павел", "Pavel"),
    ("Игорь", "Igor"),
    ("Виктор", "Viktor"),
    ("Максим", "Maxim"),
]
RUSSIAN_FAMILY = [
    ("Петров", "Petrov"),
    ("Иванов", "Ivanov"),
    ("Смирнов", "Smirnov"),
    ("Кузнецов", "Kuznetsov"),
    ("Попов", "Popov"),
    ("Волков", "Volkov"),
    ("Лебедев", "Lebedev"),
    ("Морозов", "Morozov"),
]
# Names that do not change with gender (Korean-Kazakh and Kazakh forms).
UNISEX_FAMILY = [("Ким", "Kim"), ("Цой", "Tsoy"), ("Пак", "Pak"), ("Сейткали", "Seitkali")]
ENGLISH_FEMALE = ["Emma", "Sarah", "Olivia", "Hannah", "Charlotte", "Marta", "Chloé"]
ENGLISH_MALE = ["James", "Thomas", "Daniel", "Lucas", "Oliver", "Matteo", "Samuel"]
ENGLISH_FAMILY = ["Clarke", "Whitfield", "Collins", "Reed", "Bennett", "Hughes", "Moore", "Rossi"]

TOPICS = [
    "urbanism",
    "transport",
    "accessibility",
    "tourism",
    "smart city",
    "ecology",
    "children",
    "creative economy",
    "heritage",
    "youth",
    "open data",
    "public spaces",
]

# Synthetic organisations, besides the real partners in facts.py: (name, sector, city).
ORGANISATIONS = [
    ("City Department of Urban Mobility", Sector.GOVERNMENT, "Almaty"),
    ("Управление культуры города", Sector.GOVERNMENT, "Almaty"),
    ("City Department of Social Welfare", Sector.GOVERNMENT, "Almaty"),
    ("Department of Tourism Development", Sector.GOVERNMENT, "Almaty"),
    ("Nur-Sultan City Innovation Office", Sector.GOVERNMENT, "Nur-Sultan"),
    ("Shymkent Urban Development Office", Sector.GOVERNMENT, "Shymkent"),
    ("Green Almaty Initiative", Sector.CIVIL_SOCIETY, "Almaty"),
    ("«Қала балалары» қоры", Sector.CIVIL_SOCIETY, "Almaty"),
    ("Accessible City Alliance", Sector.CIVIL_SOCIETY, "Almaty"),
    ("Алматинское велосообщество", Sector.CIVIL_SOCIETY, "Almaty"),
    ("Urban Heritage Society", Sector.CIVIL_SOCIETY, "Almaty"),
    ("Youth Civic Lab", Sector.CIVIL_SOCIETY, "Almaty"),
    ("Inclusion Without Borders", Sector.CIVIL_SOCIETY, "Almaty"),
    ("Residents' Council of Samal", Sector.CIVIL_SOCIETY, "Almaty"),
    ("Parents for Safe Streets", Sector.CIVIL_SOCIETY, "Almaty"),
    ("Astana Civic Network", Sector.CIVIL_SOCIETY, "Nur-Sultan"),
    ("Shymkent Volunteers Union", Sector.CIVIL_SOCIETY, "Shymkent"),
    ("Alatau Tech Hub", Sector.BUSINESS, "Almaty"),
    ("Steppe Design Studio", Sector.BUSINESS, "Almaty"),
    ("Aport Tourism Group", Sector.BUSINESS, "Almaty"),
    ("Nomad Mobility LLP", Sector.BUSINESS, "Almaty"),
    ("ТОО «Креативный двор»", Sector.BUSINESS, "Almaty"),
    ("Esil Ventures", Sector.BUSINESS, "Nur-Sultan"),
    ("Almaty Urban Studies Institute", Sector.ACADEMIA, "Almaty"),
    ("School of Public Policy Almaty", Sector.ACADEMIA, "Almaty"),
    ("Институт горных городов", Sector.ACADEMIA, "Almaty"),
    ("South Kazakhstan Regional College", Sector.ACADEMIA, "Shymkent"),
    ("City Pulse Media", Sector.MEDIA, "Almaty"),
    ("Qala Radio", Sector.MEDIA, "Almaty"),
    ("Новости мегаполиса", Sector.MEDIA, "Almaty"),
    ("Central Asia Civic Fund", Sector.INTERNATIONAL, "Almaty"),
    ("Nordic Cities Exchange", Sector.INTERNATIONAL, "Almaty"),
    ("Tau Artists' Collective", Sector.OTHER, "Almaty"),
]
# Real partners whose staff the demo invents (clearly marked as synthetic people).
PARTNER_STAFF = {"bc": 4, "akimat": 6, "adc": 4, "kbtu": 4}

# Demo tiers of how often a synthetic person comes (not engagement levels).
CORE, REGULAR, OCCASIONAL, VISITOR = "tier_core", "tier_regular", "tier_occasional", "tier_visitor"


@dataclass
class PersonPlan:
    index: int
    given_name: str
    family_name: str
    patronymic: str
    email: str
    phone: str
    city: str
    language: str
    tier: str
    topics: list[str]
    # (organisation key, position, start, end, primary); keys are names of ORGANISATIONS
    # or the keys of facts.ORGANISATIONS for partner staff.
    affiliations: list[tuple[str, str, dt.date | None, dt.date | None, bool]] = field(
        default_factory=list
    )
    explicit_sector: str | None = None


@dataclass
class ParticipationPlan:
    person: int
    forum: int  # index in facts.FORUMS
    role: str
    status: str


@dataclass
class DemoPlan:
    people: list[PersonPlan]
    participations: list[ParticipationPlan]
    # (working-group index, person, role, joined, left)
    memberships: list[tuple[int, int, str, dt.date, dt.date | None]]
    # (person, purpose, granted, source, text version, date)
    consents: list[tuple[int, str, bool, str, str, dt.date]]


POSITIONS = {
    Sector.GOVERNMENT: ["Chief specialist", "Head of division", "Deputy head", "Adviser"],
    Sector.CIVIL_SOCIETY: ["Director", "Project coordinator", "Volunteer lead", "Founder"],
    Sector.BUSINESS: ["CEO", "Partner", "Marketing manager", "Founder"],
    Sector.ACADEMIA: ["Associate professor", "Researcher", "Dean", "PhD student"],
    Sector.MEDIA: ["Editor", "Journalist", "Producer"],
    Sector.INTERNATIONAL: ["Programme manager", "Country director", "Project officer"],
    Sector.OTHER: ["Artist", "Independent expert", "Curator"],
}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z]+", "", anyascii(text).lower())


def _name(rng: random.Random) -> tuple[str, str, str, str]:
    """(given, family, patronymic, origin) in one script, chosen like a real Almaty list."""
    origin = rng.choices(["kz", "ru", "en"], weights=[60, 30, 10])[0]
    female = rng.random() < 0.55
    if origin == "en":
        given = rng.choice(ENGLISH_FEMALE if female else ENGLISH_MALE)
        return given, rng.choice(ENGLISH_FAMILY), "", origin
    cyrillic = rng.random() < (0.5 if origin == "kz" else 0.7)
    script = 0 if cyrillic else 1
    if origin == "kz":
        given = rng.choice(KAZAKH_FEMALE if female else KAZAKH_MALE)[script]
        family_pool = KAZAKH_FAMILY + UNISEX_FAMILY[3:]
    else:
        given = rng.choice(RUSSIAN_FEMALE if female else RUSSIAN_MALE)[script]
        family_pool = RUSSIAN_FAMILY + UNISEX_FAMILY[:3]
    family_pair = rng.choice(family_pool)
    family = family_pair[script]
    if female and family_pair not in UNISEX_FAMILY:
        family += "а" if cyrillic else "a"
    patronymic = ""
    if cyrillic and rng.random() < 0.4:
        father = rng.choice(RUSSIAN_MALE if origin == "ru" else KAZAKH_MALE)[0]
        if father == "Павел":
            base = "Павлов"
        elif father.endswith(("й", "ь")):
            base = father[:-1] + "ев"
        else:
            base = father + "ов"
        patronymic = base + ("на" if female else "ич")
    return given, family, patronymic, origin


def demo_plan(seed: int = 2017) -> DemoPlan:
    rng = random.Random(seed)
    organisations_by_sector: dict[str, list[str]] = {}
    for name, sector, city in ORGANISATIONS:
        if city == "Almaty":
            organisations_by_sector.setdefault(sector, []).append(name)
    remote_orgs = {
        "Nur-Sultan": [n for n, _, c in ORGANISATIONS if c == "Nur-Sultan"],
        "Shymkent": [n for n, _, c in ORGANISATIONS if c == "Shymkent"],
    }
    sector_weights = {
        Sector.GOVERNMENT: 14,
        Sector.CIVIL_SOCIETY: 34,
        Sector.BUSINESS: 20,
        Sector.ACADEMIA: 12,
        Sector.MEDIA: 8,
        Sector.INTERNATIONAL: 5,
        Sector.OTHER: 7,
    }
    people: list[PersonPlan] = []

    def add_person(tier: str, city: str) -> PersonPlan:
        index = len(people)
        given, family, patronymic, origin = _name(rng)
        language = {"en": "en", "ru": "ru"}.get(origin, "kk" if rng.random() < 0.45 else "ru")
        person = PersonPlan(
            index=index,
            given_name=given,
            family_name=family,
            patronymic=patronymic,
            email=f"{_slug(given)}.{_slug(family)}.{index}@example.org",
            phone=f"+7701555{index:04d}",
            city=city,
            language=language,
            tier=tier,
            topics=rng.sample(TOPICS, rng.randint(1, 3)),
        )
        people.append(person)
        return person

    # Staff of the real partners: they organise and represent the partners at forums.
    for key, count in PARTNER_STAFF.items():
        for _ in range(count):
            person = add_person(CORE if key == "bc" else REGULAR, "Almaty")
            sector = (
                Sector.INTERNATIONAL
                if key == "bc"
                else Sector.ACADEMIA
                if key == "kbtu"
                else Sector.GOVERNMENT
            )
            position = rng.choice(POSITIONS[sector])
            person.affiliations.append((key, position, dt.date(2016, 9, 1), None, True))

    tiers = [CORE] * 22 + [REGULAR] * 56 + [OCCASIONAL] * 240
    for tier in tiers:
        person = add_person(tier, "Almaty")
        if rng.random() < 0.07:
            # Independent activists and experts: no organisation, sector set by hand.
            person.explicit_sector = rng.choice([Sector.CIVIL_SOCIETY, Sector.OTHER])
            continue
        sector = rng.choices(list(sector_weights), weights=list(sector_weights.values()))[0]
        organisation = rng.choice(organisations_by_sector[sector])
        position = rng.choice(POSITIONS[sector])
        if rng.random() < 0.12:
            # Changed jobs during the programme: the old tie ends, the new one is primary.
            moved = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 540))
            new_org = rng.choice(
                [n for n, _, c in ORGANISATIONS if c == "Almaty" and n != organisation]
            )
            new_sector = next(s for n, s, _ in ORGANISATIONS if n == new_org)
            person.affiliations.append(
                (organisation, position, dt.date(2015, 3, 1), moved - dt.timedelta(days=1), True)
            )
            person.affiliations.append(
                (new_org, rng.choice(POSITIONS[new_sector]), moved, None, True)
            )
        else:
            start = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randint(0, 1800))
            person.affiliations.append((organisation, position, start, None, True))
    for city in ("Nur-Sultan", "Shymkent"):
        for _ in range(22):
            person = add_person(VISITOR, city)
            organisation = rng.choice(remote_orgs[city])
            sector = next(s for n, s, _ in ORGANISATIONS if n == organisation)
            person.affiliations.append(
                (organisation, rng.choice(POSITIONS[sector]), dt.date(2017, 1, 1), None, True)
            )

    participations = _attendance(rng, people)
    memberships = _memberships(rng, participations)
    consents = _consents(rng, people, participations, memberships)
    return DemoPlan(people, participations, memberships, consents)


def _attendance(rng: random.Random, people: list[PersonPlan]) -> list[ParticipationPlan]:
    by_tier: dict[str, list[PersonPlan]] = {}
    for person in people:
        by_tier.setdefault(person.tier, []).append(person)
    # Regulars join the series at different forums: the network grows as it goes.
    first_forum = {p.index: rng.randint(0, 2) for p in by_tier[CORE]}
    first_forum.update({p.index: rng.randint(0, 6) for p in by_tier[REGULAR]})
    # Occasional people come once or twice; most come once.
    almaty_forums = [i for i, f in enumerate(FORUMS) if f.city == "Almaty"]
    occasional_forums = {
        p.index: rng.sample(almaty_forums, 1 if rng.random() < 0.65 else 2)
        for p in by_tier[OCCASIONAL]
    }
    partner_staff = {
        p.index for p in people if p.affiliations and p.affiliations[0][0] in PARTNER_STAFF
    }
    bc_staff = [p.index for p in people if p.affiliations and p.affiliations[0][0] == "bc"]

    plan: list[ParticipationPlan] = []
    for forum_index, forum in enumerate(FORUMS):
        attendees: list[int] = []
        invited_only: list[int] = []
        if forum.city == "Almaty":
            for person in by_tier[CORE] + by_tier[REGULAR]:
                if person.index in bc_staff or forum_index < first_forum[person.index]:
                    continue
                chance = 0.8 if person.tier == CORE else 0.35
                if rng.random() < chance:
                    attendees.append(person.index)
                elif rng.random() < 0.25:
                    invited_only.append(person.index)
            attendees += [i for i, forums in occasional_forums.items() if forum_index in forums]
        else:
            attendees += [p.index for p in by_tier[VISITOR] if p.city == forum.city]
            attendees += [p.index for p in rng.sample(by_tier[CORE], 6) if p.index not in bc_staff]
        organisers = rng.sample(bc_staff, 2)
        speakers = set(rng.sample([a for a in attendees if a not in partner_staff], 5))
        moderator = rng.choice(
            [a for a in attendees if a not in speakers and a not in partner_staff]
        )
        for person_index in organisers:
            plan.append(
                ParticipationPlan(
                    person_index,
                    forum_index,
                    ParticipationRole.ORGANISER,
                    ParticipationStatus.ATTENDED,
                )
            )
        for person_index in attendees:
            if person_index in speakers:
                role = ParticipationRole.SPEAKER
            elif person_index == moderator:
                role = ParticipationRole.MODERATOR
            elif person_index in partner_staff:
                role = ParticipationRole.PARTNER
            else:
                role = ParticipationRole.PARTICIPANT
            status = ParticipationStatus.ATTENDED
            if role == ParticipationRole.PARTICIPANT:
                outcomes = [ParticipationStatus.ATTENDED, ParticipationStatus.NO_SHOW,
                            ParticipationStatus.CANCELLED]  # fmt: skip
                status = rng.choices(outcomes, weights=[88, 7, 5])[0]
            plan.append(ParticipationPlan(person_index, forum_index, role, status))
        for person_index in invited_only:
            plan.append(
                ParticipationPlan(
                    person_index,
                    forum_index,
                    ParticipationRole.PARTICIPANT,
                    ParticipationStatus.INVITED,
                )
            )
    return plan


def _memberships(rng, participations):
    memberships = []
    for group_index, origin_number in enumerate((7, 9)):
        forum_index = next(i for i, f in enumerate(FORUMS) if f.number == origin_number)
        forum = FORUMS[forum_index]
        came = sorted(
            {
                p.person
                for p in participations
                if p.forum == forum_index
                and p.status == ParticipationStatus.ATTENDED
                and p.role != ParticipationRole.ORGANISER
            }
        )
        members = rng.sample(came, min(len(came), 11 + 2 * group_index))
        joined = forum.date + dt.timedelta(days=14 - 4 * group_index)
        for position, person_index in enumerate(members):
            role = MembershipRole.CHAIR if position == 0 else MembershipRole.MEMBER
            left = dt.date(2019, 12, 1) if position in (3, 7) else None
            memberships.append((group_index, person_index, role, joined, left))
    return memberships


def _consents(rng, people, participations, memberships):
    first_seen: dict[int, dt.date] = {}
    for p in participations:
        date = FORUMS[p.forum].date
        if p.person not in first_seen or date < first_seen[p.person]:
            first_seen[p.person] = date
    consents = []
    for person in people:
        if person.index not in first_seen or rng.random() < 0.12:
            continue  # never asked, or never agreed: no record, no consent
        date = first_seen[person.index]
        source = ConsentSource.FORM if rng.random() < 0.8 else ConsentSource.IMPORT
        consents.append((person.index, ConsentPurpose.FORUM_UPDATES, True, source, "2017-09", date))
        if rng.random() < 0.06:
            withdrawn = date + dt.timedelta(days=rng.randint(60, 500))
            consents.append(
                (
                    person.index,
                    ConsentPurpose.FORUM_UPDATES,
                    False,
                    ConsentSource.FORM,
                    "2017-09",
                    withdrawn,
                )
            )
    for _group, person_index, _role, joined, _left in memberships:
        consents.append(
            (
                person_index,
                ConsentPurpose.WORKING_GROUP,
                True,
                ConsentSource.IN_PERSON,
                "2019-01",
                joined,
            )
        )
    return consents
