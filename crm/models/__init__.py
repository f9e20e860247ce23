from .affiliations import Affiliation
from .choices import (
    ConsentPurpose,
    ConsentSource,
    DocumentKind,
    ForumKind,
    Language,
    MembershipRole,
    ParticipationRole,
    ParticipationStatus,
    PartnerRole,
    Sector,
    WorkingGroupStatus,
)
from .consent import Consent
from .contacts import Contact, ContactTag
from .forums import Forum, ForumDocument, ForumPartner, Programme
from .lists import ContactList, ContactListKind, ContactListMember
from .organisations import Organisation
from .participation import Participation
from .working_groups import WorkingGroup, WorkingGroupMembership

__all__ = [
    "Affiliation",
    "Consent",
    "ConsentPurpose",
    "ConsentSource",
    "Contact",
    "ContactList",
    "ContactListKind",
    "ContactListMember",
    "ContactTag",
    "DocumentKind",
    "Forum",
    "ForumDocument",
    "ForumKind",
    "ForumPartner",
    "Language",
    "MembershipRole",
    "Organisation",
    "Participation",
    "ParticipationRole",
    "ParticipationStatus",
    "PartnerRole",
    "Programme",
    "Sector",
    "WorkingGroup",
    "WorkingGroupMembership",
    "WorkingGroupStatus",
]
