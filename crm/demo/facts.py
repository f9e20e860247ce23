"""The WeAlmaty Dialogue Platform (2017–2020), as its public page describes it.

Dates, cities, venues, objectives, outcomes and partners come from the programme's public
page (shared/seeds/wealmaty-dialogue-platform.txt). Where the page is silent (a venue, a
partner list) the field is left empty rather than guessed. People are not here: the demo's
people and their organisations are synthetic (see ``synthetic.py``).
"""

import datetime as dt
from dataclasses import dataclass, field

PROGRAMME = {
    "name": "WeAlmaty Dialogue Platform",
    "start_year": 2017,
    "end_year": 2020,
    "city": "Almaty",
    "description": (
        "A series of forums designed to develop and model a participative approach to local "
        "policymaking, bringing together civil society organisations, local authorities and "
        "the private sector. Part of the three-year WeAlmaty project of the British Council "
        "with Kazakh-British Technical University, the Almaty Development Centre and the "
        "Akimat of Almaty, aimed at 'a city of active citizens'; funded by the European Union."
    ),
}


@dataclass(frozen=True)
class OrganisationFact:
    key: str
    name: str
    sector: str
    city: str = "Almaty"
    website: str = ""
    description: str = ""


ORGANISATIONS = [
    OrganisationFact(
        "bc",
        "British Council",
        "international",
        website="https://www.britishcouncil.kz",
        description="Implemented the WeAlmaty project and hosted its forums.",
    ),
    OrganisationFact(
        "kbtu",
        "Kazakh-British Technical University",
        "academia",
        website="https://kbtu.edu.kz",
        description="KBTU. Partner of the WeAlmaty project; venue of forum #1.",
    ),
    OrganisationFact(
        "adc",
        "Almaty Development Centre",
        "government",
        description="Partner of the WeAlmaty project.",
    ),
    OrganisationFact(
        "akimat",
        "Akimat of Almaty",
        "government",
        description="The city administration; partner of the WeAlmaty project.",
    ),
    OrganisationFact(
        "eu",
        "European Union",
        "international",
        city="",
        description="Funded the WeAlmaty project.",
    ),
    OrganisationFact(
        "urban_forum",
        "Urban Forum Almaty",
        "civil_society",
        description="Co-hosted forum #3 on the smart city.",
    ),
    OrganisationFact(
        "transforma", "Transforma Space", "business", description="Venue of forum #2."
    ),
    OrganisationFact(
        "tourist_hub",
        "Tourist hub of Almaty",
        "other",
        description="At the Palace of Sports named after B. Sholak; venue of forum #7.",
    ),
    OrganisationFact(
        "qlab",
        "Q-Lab Urban Project Laboratory",
        "other",
        description="Laboratory of city initiatives; venue of forum #8 and the closing festival.",
    ),
    OrganisationFact("novotel", "Novotel Almaty", "business", description="Venue of forum #9."),
    OrganisationFact(
        "aic",
        "Astana International Campus (BCPD Ltd.)",
        "business",
        city="Nur-Sultan",
        description="Bureau of Continuing Professional Development; venue of the Nur-Sultan "
        "conference.",
    ),
    OrganisationFact(
        "rixos",
        "Rixos Khadisha Shymkent",
        "business",
        city="Shymkent",
        description="Venue of the Shymkent conference.",
    ),
]

PROJECT_PARTNERS = (("kbtu", "partner"), ("adc", "partner"), ("akimat", "partner"))


@dataclass(frozen=True)
class ForumFact:
    number: int | None
    kind: str
    title: str
    date: dt.date
    city: str = "Almaty"
    venue: str = ""
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    objective: str = ""
    outcome: str = ""
    partners: tuple[tuple[str, str], ...] = field(default=())


_PROJECT_AIM = (
    "Advance dialogue between the government, non-government organisations and civil "
    "society to form 'a city of active citizens' through targeted development of civil society."
)

FORUMS = [
    ForumFact(
        1,
        "forum",
        "Promoting a Culture of Civic Engagement in the Development of Almaty",
        dt.date(2017, 9, 22),
        venue="Kazakh-British Technical University (KBTU)",
        objective=_PROJECT_AIM,
        partners=(("bc", "host"), *PROJECT_PARTNERS, ("kbtu", "venue"), ("eu", "funder")),
    ),
    ForumFact(
        2,
        "forum",
        "Creating a “Green Corridor” in Almaty",
        dt.date(2017, 11, 30),
        venue="Transforma Space",
        objective=_PROJECT_AIM,
        partners=(("bc", "host"), *PROJECT_PARTNERS, ("transforma", "venue"), ("eu", "funder")),
    ),
    ForumFact(
        3,
        "forum",
        "Creating a Smart City: Effective Solutions, Stakeholder and Citizen Engagement",
        dt.date(2018, 2, 15),
        objective="Build dialogue between policymakers, NGOs and civic activists to help Almaty "
        "develop into a modern, comfortable international city.",
        partners=(
            ("bc", "host"),
            *PROJECT_PARTNERS,
            ("urban_forum", "partner"),
            ("eu", "funder"),
        ),
    ),
    ForumFact(
        4,
        "forum",
        "Developing a concept of Masterplan for Almaty",
        dt.date(2018, 4, 26),
        objective="To set forth the main directions of the city's development and ensure that "
        "citizens' opinions are taken into account in the Master Plan concept.",
        partners=(("bc", "host"), *PROJECT_PARTNERS, ("eu", "funder")),
    ),
    ForumFact(
        5,
        "forum",
        "Role of creative hubs in the creation of the urban environment. Placemaking",
        dt.date(2018, 7, 21),
        objective="To discuss how the development of the creative economy in the city of Almaty "
        "can affect the creation of successful city spaces and determine conditions required "
        "for that.",
        partners=(("bc", "host"), *PROJECT_PARTNERS, ("eu", "funder")),
    ),
    ForumFact(
        6,
        "forum",
        "Strategy for Development of Almaty City Transport System",
        dt.date(2018, 10, 20),
        objective="To define the main directions of the Almaty city transport system "
        "development strategy.",
        partners=(("bc", "host"), *PROJECT_PARTNERS, ("eu", "funder")),
    ),
    ForumFact(
        7,
        "forum",
        "Identity and tourist brand of Almaty",
        dt.date(2019, 1, 24),
        venue="Tourist hub of Almaty (Palace of Sports named after B. Sholak, Abay st. 44, "
        "entrance from Baitursynov st.)",
        objective="Who are Almaty residents? What is the city of Almaty? How to comprehend the "
        "identity of the city and present it in such a way as to interest the tourist? How to "
        "promote Almaty branding and make it popular?",
        outcome="A working group to promote the tourism brand of Almaty.",
        partners=(("bc", "host"), ("tourist_hub", "venue"), ("eu", "funder")),
    ),
    ForumFact(
        8,
        "forum",
        "Almaty - a city for children",
        dt.date(2019, 2, 26),
        venue="Q-Lab Urban Project Laboratory, 122 Aimanov street",
        start_time=dt.time(10, 0),
        end_time=dt.time(16, 30),
        objective="Drawing the attention of key stakeholders and the public to the friendliness "
        "of the urban environment to children and teenagers; discussing Almaty joining the "
        "“Child-Friendly City” initiative and including its key aspects in the political "
        "priorities of the city's development strategy. Topics: a comfortable and safe urban "
        "environment for children and teenagers; tools for their participation in decisions "
        "on the city's development. Moderator: Leila Makhmudova.",
        partners=(("bc", "host"), ("qlab", "venue"), ("eu", "funder")),
    ),
    ForumFact(
        9,
        "forum",
        "Almaty - accessible and inclusive city",
        dt.date(2019, 4, 30),
        venue="Novotel Hotel, 104a Dostyk str.",
        start_time=dt.time(13, 0),
        end_time=dt.time(18, 0),
        objective="To draw the attention of key stakeholders and the public to the accessibility "
        "of the urban environment and inclusion: the physical infrastructure of the city, "
        "relationships between people, and the ethics and culture of citizens when "
        "interacting with people with special needs.",
        outcome="A city-wide working group on accessibility and inclusion of the city of Almaty.",
        partners=(("bc", "host"), ("novotel", "venue"), ("eu", "funder")),
    ),
    ForumFact(
        None,
        "conference",
        "WeAlmaty on a visit to Nur-Sultan",
        dt.date(2019, 9, 12),
        city="Nur-Sultan",
        venue="Astana International Campus, Bureau of Continuing Professional Development "
        "(BCPD Ltd.), 55/23 Mangilik El Ave.",
        start_time=dt.time(9, 30),
        end_time=dt.time(17, 0),
        objective="Exchange of experience between Almaty and Nur-Sultan on involving citizens in "
        "the development of the city, and transfer of the experience of the WeAlmaty project "
        "to citizens and the Akimat of Nur-Sultan.",
        partners=(("bc", "host"), ("aic", "venue"), ("eu", "funder")),
    ),
    ForumFact(
        None,
        "conference",
        "WeAlmaty on a visit to Shymkent",
        dt.date(2019, 11, 20),
        city="Shymkent",
        venue="Grand Ballroom, Rixos Khadisha Shymkent",
        start_time=dt.time(9, 30),
        end_time=dt.time(17, 30),
        objective="Exchange of experience between Almaty and Shymkent on involving citizens in "
        "the development of the city; disseminating the experience of the WeAlmaty project to "
        "the citizens and the akimat of Shymkent; attracting the attention of key stakeholders "
        "and the public of Shymkent to creating 'cities of active citizens'.",
        partners=(("bc", "host"), ("rixos", "venue"), ("eu", "funder")),
    ),
    ForumFact(
        None,
        "festival",
        "WeAlmaty Closing Festival",
        dt.date(2020, 2, 29),
        venue="Laboratory of city initiatives Q-lab",
        start_time=dt.time(12, 0),
        end_time=dt.time(18, 0),
        objective="To summarise and officially close the WeAlmaty project; to emphasise the "
        "contribution of each citizen to the city's development; to create a platform for "
        "communication between urban communities, business and government.",
        partners=(("bc", "host"), ("qlab", "venue"), ("eu", "funder")),
    ),
]


@dataclass(frozen=True)
class WorkingGroupFact:
    title: str
    theme: str
    origin_number: int
    description: str


WORKING_GROUPS = [
    WorkingGroupFact(
        "Almaty tourism brand working group",
        "Identity and tourist brand of Almaty",
        7,
        "Created at forum #7 to promote the tourism brand of Almaty.",
    ),
    WorkingGroupFact(
        "Accessibility and inclusion working group",
        "Accessibility and inclusion of the city of Almaty",
        9,
        "City-wide working group created at forum #9 on the accessibility of the urban "
        "environment and the inclusion of people with special needs.",
    ),
]
