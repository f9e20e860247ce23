"""Generate a synthetic national-scale network: programmes in ten cities, their forums,
contacts, organisations, affiliations, participations and consents.

Built for benchmarks and load tests (200,000 contacts, 10,000 forums, 1,000,000
participations in minutes on two cores). Draws come from one seeded NumPy generator, rows go
to the database with COPY (PostgreSQL) or executemany, and nothing is built as a model
instance. Generated rows carry no change history: no person made those changes.

The shape imitates real attendance: forum sizes are heavy-tailed (most forums 30–150
people, about one in a hundred a plenary of up to 1,000), people mostly attend in their own
city, and a few very active people attend far more often than most.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone

from core.bulk import analyse, bulk_insert
from core.names import search_key
from crm.demo.synthetic import (
    ENGLISH_FAMILY,
    ENGLISH_FEMALE,
    ENGLISH_MALE,
    KAZAKH_FAMILY,
    KAZAKH_FEMALE,
    KAZAKH_MALE,
    RUSSIAN_FAMILY,
    RUSSIAN_FEMALE,
    RUSSIAN_MALE,
)
from crm.models import (
    ConsentPurpose,
    ConsentSource,
    Contact,
    Forum,
    Language,
    Organisation,
    ParticipationRole,
    ParticipationStatus,
    Programme,
    Sector,
)
from crm.models.contacts import CONTACT_DETAILS
from crm.normalisation import organisation_name_key

CITIES = [
    "Almaty",
    "Astana",
    "Shymkent",
    "Karaganda",
    "Aktobe",
    "Taraz",
    "Pavlodar",
    "Oskemen",
    "Semey",
    "Atyrau",
]
SECTOR_SHARES = {
    Sector.GOVERNMENT: 0.14,
    Sector.CIVIL_SOCIETY: 0.32,
    Sector.BUSINESS: 0.22,
    Sector.ACADEMIA: 0.12,
    Sector.MEDIA: 0.08,
    Sector.INTERNATIONAL: 0.05,
    Sector.OTHER: 0.07,
}
KINDS = np.array(["forum", "workshop", "conference", "festival"])
KIND_SHARES = [0.7, 0.22, 0.06, 0.02]
# Shares by value (crm's vocabulary; the order is the generator's, so a seed gives the same
# data it always gave).
STATUS_SHARE = {
    ParticipationStatus.ATTENDED: 0.85,
    ParticipationStatus.REGISTERED: 0.03,
    ParticipationStatus.NO_SHOW: 0.06,
    ParticipationStatus.CANCELLED: 0.03,
    ParticipationStatus.INVITED: 0.03,
}
STATUSES = np.array([str(status) for status in STATUS_SHARE])
STATUS_SHARES = list(STATUS_SHARE.values())
ROLE_SHARE = {
    ParticipationRole.PARTICIPANT: 0.92,
    ParticipationRole.SPEAKER: 0.05,
    ParticipationRole.MODERATOR: 0.01,
    ParticipationRole.ORGANISER: 0.01,
    ParticipationRole.PARTNER: 0.01,
}
ROLES = np.array([str(role) for role in ROLE_SHARE])
ROLE_SHARES = list(ROLE_SHARE.values())
LANGUAGES = np.array(
    [str(language) for language in (Language.RUSSIAN, Language.KAZAKH, Language.ENGLISH)]
)
LANGUAGE_SHARES = [0.55, 0.4, 0.05]
PLENARY_SHARE = 0.01
PLENARY_SIZE = 1_000
SMALL_MIN, SMALL_MAX = 30, 150
# Share of attendees who come from another city (national conferences, travelling experts).
VISITOR_SHARE = 0.1
FIRST_DAY = dt.date(2015, 1, 1)
SPAN_DAYS = 365 * 10


class ScaleDataError(ValueError):
    pass


@dataclass
class ScaleDataResult:
    programmes: int
    organisations: int
    contacts: int
    forums: int
    participations: int
    consents: int


def forum_sizes(
    rng: np.random.Generator, *, forums: int, participations: int, contacts: int
) -> np.ndarray:
    """Heavy-tailed forum sizes that add up to exactly ``participations``.

    Ordinary forums hold 30–150 people; when the average asked for is higher than that
    range allows (a city series of 500 forums and 100,000 participations averages 200),
    the range widens to 2.5 times the average.
    """
    biggest = min(PLENARY_SIZE, contacts)
    plenaries = round(forums * PLENARY_SHARE) if biggest > min(SMALL_MAX, contacts) else 0
    ordinary_mean = (participations - plenaries * biggest) / max(forums - plenaries, 1)
    # Log-normal sizes need room above their mean: widen when 30–150 cannot hold it.
    widened = ordinary_mean > 0.75 * SMALL_MAX
    small_max = min(int(np.ceil(ordinary_mean * 2.5)) if widened else SMALL_MAX, contacts)
    small_min = min(SMALL_MIN, small_max)
    if (
        not forums * small_min
        <= participations
        <= plenaries * biggest + (forums - plenaries) * small_max
    ):
        raise ScaleDataError(
            f"{participations} participations cannot be spread over {forums} forums of "
            f"{small_min}–{small_max} people ({plenaries} plenaries of up to {biggest})."
        )
    sizes = np.empty(forums, dtype=np.int64)
    plenary_at = rng.choice(forums, size=plenaries, replace=False)
    is_plenary = np.zeros(forums, dtype=bool)
    is_plenary[plenary_at] = True
    remaining = participations - plenaries * biggest
    small = forums - plenaries
    if remaining < small * small_min:  # the plenaries alone would overshoot: shrink them
        sizes[is_plenary] = max(
            small_max, (participations - small * small_min) // max(plenaries, 1)
        )
        remaining = participations - int(sizes[is_plenary].sum())
    else:
        sizes[is_plenary] = biggest
    # Log-normal sizes around the mean the total asks for, clipped to the usual range...
    mean = remaining / max(small, 1)
    draws = rng.lognormal(mean=np.log(mean) - 0.06, sigma=0.35, size=small)
    small_sizes = np.clip(np.rint(draws), small_min, small_max).astype(np.int64)
    # ...then nudged one person at a time until the total is exact.
    gap = remaining - int(small_sizes.sum())
    while gap != 0:
        step = 1 if gap > 0 else -1
        room = small_sizes < small_max if step > 0 else small_sizes > small_min
        candidates = np.flatnonzero(room)
        take = rng.choice(candidates, size=min(abs(gap), candidates.size), replace=False)
        small_sizes[take] += step
        gap -= step * take.size
    sizes[~is_plenary] = small_sizes
    # A plenary the city cannot fill draws its remainder from other cities (see _attendees).
    return sizes


def _weighted_sample(
    rng: np.random.Generator, cumulative: np.ndarray, members: np.ndarray, size: int
) -> np.ndarray:
    """About ``size`` distinct members drawn in proportion to their activity weight."""
    size = min(size, members.size)
    chosen = np.empty(0, dtype=members.dtype)
    # Draw with replacement through the cumulative weights (O(size log n)), drop repeats, and
    # top up; the most active people therefore show up far more often, as in real series.
    while chosen.size < size:
        want = int((size - chosen.size) * 1.3) + 8
        picks = np.searchsorted(cumulative, rng.random(want) * cumulative[-1], side="right")
        picks = np.minimum(picks, members.size - 1)
        chosen = np.unique(np.concatenate([chosen, members[picks]]))
        if chosen.size >= size:
            chosen = rng.choice(chosen, size=size, replace=False)
    return chosen


def _names(rng: np.random.Generator, count: int) -> Iterator[tuple[str, str]]:
    """Given and family names mixing Kazakh, Russian and English forms in both scripts."""
    origin = rng.choice(3, size=count, p=[0.6, 0.3, 0.1])
    female = rng.random(count) < 0.55
    cyrillic = rng.random(count) < 0.55
    pick = rng.integers(0, 1 << 30, size=(count, 2))
    for i in range(count):
        script = 0 if cyrillic[i] else 1
        if origin[i] == 2:
            given_pool = ENGLISH_FEMALE if female[i] else ENGLISH_MALE
            given = given_pool[pick[i, 0] % len(given_pool)]
            family = ENGLISH_FAMILY[pick[i, 1] % len(ENGLISH_FAMILY)]
        else:
            kazakh = origin[i] == 0
            if kazakh:
                given_pool = KAZAKH_FEMALE if female[i] else KAZAKH_MALE
                family_pool = KAZAKH_FAMILY
            else:
                given_pool = RUSSIAN_FEMALE if female[i] else RUSSIAN_MALE
                family_pool = RUSSIAN_FAMILY
            given = given_pool[pick[i, 0] % len(given_pool)][script]
            family = family_pool[pick[i, 1] % len(family_pool)][script]
            if female[i]:
                family += "а" if script == 0 else "a"
        yield given, family


def scale_data_generate(
    *,
    contacts: int,
    forums: int,
    seed: int = 1,
    participations: int | None = None,
    cities: int | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> ScaleDataResult:
    """Generate and insert the whole synthetic network in one transaction."""
    if contacts < 1 or forums < 1:
        raise ScaleDataError("Give at least one contact and one forum.")
    participations = participations if participations is not None else forums * 100
    prefix = f"Synthetic network {seed}"
    if Programme.objects.filter(name__startswith=prefix + " ·").exists():
        raise ScaleDataError(
            f"A synthetic network with seed {seed} is already loaded; use another --seed."
        )
    rng = np.random.default_rng(seed)
    sizes = forum_sizes(rng, forums=forums, participations=participations, contacts=contacts)
    now = timezone.now()
    # One series per city; by default ten cities (fewer for tiny networks), or as asked:
    # a single-city network is what one programme's coordinators see.
    city_count = cities if cities is not None else min(len(CITIES), max(1, contacts // 50))
    if not 1 <= city_count <= len(CITIES):
        raise ScaleDataError(f"Choose between 1 and {len(CITIES)} cities.")
    cities = CITIES[:city_count]

    with transaction.atomic():
        # Programmes: one series per city.
        programmes = Programme.objects.bulk_create(
            Programme(
                name=f"{prefix} · {city}",
                city=city,
                start_year=FIRST_DAY.year,
                end_year=FIRST_DAY.year + SPAN_DAYS // 365,
                description="Synthetic programme generated for scale tests.",
            )
            for city in cities
        )
        progress(f"programmes: {len(programmes)}")

        # Organisations: about one per eight people, by sector, each in one city.
        org_count = max(len(SECTOR_SHARES), contacts // 8)
        org_sector = rng.choice(list(SECTOR_SHARES), size=org_count, p=list(SECTOR_SHARES.values()))
        org_city = rng.integers(0, len(cities), size=org_count)
        org_rows = (
            (
                name := f"Synthetic {sector.replace('_', ' ')} organisation {seed}-{j}",
                organisation_name_key(name),
                search_key(name),
                str(sector),
                cities[org_city[j]],
                "",
                "",
                now,
                now,
            )
            for j, sector in enumerate(org_sector)
        )
        bulk_insert(
            Organisation._meta.db_table,
            [
                "name",
                "name_key",
                "search_key",
                "sector",
                "city",
                "website",
                "description",
                "created",
                "updated",
            ],
            org_rows,
        )
        org_ids = _ordered_ids(
            Organisation.objects.filter(name__contains=f" organisation {seed}-").values_list(
                "id", "name"
            ),
            count=org_count,
        )
        progress(f"organisations: {org_count}")

        # Contacts: each belongs to the city of their organisation.
        contact_org = rng.integers(0, org_count, size=contacts)
        contact_city = org_city[contact_org]
        language = rng.choice(LANGUAGES, size=contacts, p=LANGUAGE_SHARES)
        columns = [*CONTACT_DETAILS, "sector", "sector_explicit", "notes", "search_key"]
        columns += ["created", "updated"]

        # Each value by its column's name, so the rows follow the column list however it
        # changes (a detail added to CONTACT_DETAILS fails here, not silently shifts).
        def contact_rows():
            for i, (given, family) in enumerate(_names(rng, contacts)):
                row = {
                    "given_name": given,
                    "family_name": family,
                    "patronymic": "",
                    "email": f"gen{seed}.{i}@example.org",
                    "phone": "",
                    "city": cities[contact_city[i]],
                    "language": str(language[i]),
                    "sector": str(org_sector[contact_org[i]]),
                    "sector_explicit": False,
                    "notes": "Synthetic scale-test contact.",
                    "search_key": search_key(given, family),
                    "created": now,
                    "updated": now,
                }
                yield tuple(row[column] for column in columns)

        bulk_insert(Contact._meta.db_table, columns, contact_rows())
        contact_ids = _ordered_ids(
            Contact.objects.filter(email__startswith=f"gen{seed}.").values_list("id", "email"),
            count=contacts,
        )
        progress(f"contacts: {contacts}")

        start = FIRST_DAY - dt.timedelta(days=365 * 3)
        start_offsets = rng.integers(0, 365 * 5, size=contacts)
        bulk_insert(
            "crm_affiliation",
            [
                "contact_id",
                "organisation_id",
                "position",
                "start_date",
                "end_date",
                "is_primary",
                "created",
                "updated",
            ],
            (
                (
                    int(contact_ids[i]),
                    int(org_ids[contact_org[i]]),
                    "",
                    start + dt.timedelta(days=int(start_offsets[i])),
                    None,
                    True,
                    now,
                    now,
                )
                for i in range(contacts)
            ),
        )
        progress(f"affiliations: {contacts}")

        # Forums: spread over ten years; each programme numbers its own in date order.
        forum_city = rng.integers(0, len(cities), size=forums)
        forum_day = np.sort(rng.integers(0, SPAN_DAYS, size=forums))
        kinds = rng.choice(KINDS, size=forums, p=KIND_SHARES)
        numbers = np.zeros(forums, dtype=np.int64)
        seen = np.zeros(len(cities), dtype=np.int64)
        for f in range(forums):
            seen[forum_city[f]] += 1
            numbers[f] = seen[forum_city[f]]
        created_forums = Forum.objects.bulk_create(
            (
                Forum(
                    programme=programmes[forum_city[f]],
                    number=int(numbers[f]),
                    title=f"{cities[forum_city[f]]} {kinds[f]} #{numbers[f]}",
                    kind=str(kinds[f]),
                    date=FIRST_DAY + dt.timedelta(days=int(forum_day[f])),
                    city=cities[forum_city[f]],
                )
                for f in range(forums)
            ),
            batch_size=2_000,
        )
        forum_ids = [forum.pk for forum in created_forums]
        if any(pk is None for pk in forum_ids):  # backends without RETURNING
            forum_ids = list(
                Forum.objects.filter(programme__in=programmes)
                .order_by("date", "id")
                .values_list("id", flat=True)
            )
        progress(f"forums: {forums}")

        # Participations: most attendees from the forum's city, weighted by activity.
        # Pareto activity, capped so that the keenest person attends a few hundred forums
        # of their city, not all of them.
        activity = np.minimum(rng.pareto(1.6, size=contacts) + 1.0, 40.0)
        by_city = [np.flatnonzero(contact_city == c) for c in range(len(cities))]
        city_cumulative = [np.cumsum(activity[members]) for members in by_city]
        all_members = np.arange(contacts)
        all_cumulative = np.cumsum(activity)
        statuses = rng.choice(STATUSES, size=participations, p=STATUS_SHARES)
        roles = rng.choice(ROLES, size=participations, p=ROLE_SHARES)

        def participation_rows():
            k = 0
            for f in range(forums):
                size = int(sizes[f])
                city = forum_city[f]
                visitors = round(size * VISITOR_SHARE)
                locals_ = _weighted_sample(
                    rng, city_cumulative[city], by_city[city], size - visitors
                )
                chosen = set(locals_.tolist())
                while len(chosen) < size:
                    extra = _weighted_sample(
                        rng, all_cumulative, all_members, min(contacts, size - len(chosen) + 8)
                    )
                    for person in extra.tolist():
                        if len(chosen) == size:
                            break
                        chosen.add(person)
                for person in chosen:
                    yield (
                        int(contact_ids[person]),
                        forum_ids[f],
                        str(roles[k]),
                        str(statuses[k]),
                        int(org_ids[contact_org[person]]),
                        now,
                        now,
                    )
                    k += 1

        written = bulk_insert(
            "crm_participation",
            ["contact_id", "forum_id", "role", "status", "organisation_id", "created", "updated"],
            participation_rows(),
        )
        progress(f"participations: {written}")

        # Consent: four in five people agreed to forum updates when they first registered.
        consenting = np.flatnonzero(rng.random(contacts) < 0.8)
        consent_time = timezone.make_aware(dt.datetime.combine(FIRST_DAY, dt.time(10)))
        consents = bulk_insert(
            "crm_consent",
            ["contact_id", "purpose", "granted", "source", "text_version", "recorded_at", "note"],
            (
                (
                    int(contact_ids[i]),
                    ConsentPurpose.FORUM_UPDATES,
                    True,
                    ConsentSource.IMPORT,
                    "scale",
                    consent_time,
                    "",
                )
                for i in consenting.tolist()
            ),
        )
        progress(f"consents: {consents}")
    analyse(
        "crm_organisation",
        "crm_contact",
        "crm_affiliation",
        "crm_forum",
        "crm_participation",
        "crm_consent",
    )
    return ScaleDataResult(
        programmes=len(programmes),
        organisations=org_count,
        contacts=contacts,
        forums=forums,
        participations=written,
        consents=consents,
    )


def _ordered_ids(rows, *, count: int) -> np.ndarray:
    """Map generated rows back to their index (the number after the last '.' or '-')."""
    ids = np.zeros(count, dtype=np.int64)
    for pk, label in rows:
        stem = label.split("@")[0]
        index = int(stem.rsplit(".", 1)[-1].rsplit("-", 1)[-1])
        ids[index] = pk
    return ids
