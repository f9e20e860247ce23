"""FilterSets: the one definition of every list filter. The API uses them through
django-filter's backend; the pages and the CSV exports apply the same classes through the
selectors (crm.selectors.contacts, crm.selectors.organisations).

Every free-text filter has a length limit: an over-long value is a 400, not a full scan.
"""

import django_filters as filters
from django.db.models import Exists, OuterRef, Q

from core.filters import IdFilter, boolean, text
from core.names import name_search
from crm.models import (
    Affiliation,
    Consent,
    ConsentPurpose,
    ConsentSource,
    Contact,
    ContactTag,
    DocumentKind,
    Forum,
    ForumDocument,
    ForumKind,
    Language,
    MembershipRole,
    Organisation,
    Participation,
    ParticipationRole,
    ParticipationStatus,
    Programme,
    Sector,
    WorkingGroup,
    WorkingGroupMembership,
    WorkingGroupStatus,
)


class ContactFilter(filters.FilterSet):
    search = text(method="filter_search", label="Name or e-mail, in Cyrillic or Latin")
    sector = filters.MultipleChoiceFilter(distinct=False, choices=Sector.choices)
    organisation = IdFilter(method="filter_organisation", label="Current organisation (id)")
    city = text(field_name="city", lookup_expr="iexact")
    tag = text(method="filter_tag", label="Topic")
    language = filters.MultipleChoiceFilter(distinct=False, choices=Language.choices)
    forum = IdFilter(method="filter_forum", label="Attended forum (id)")

    class Meta:
        model = Contact
        fields = ["search", "sector", "organisation", "city", "tag", "language", "forum"]

    def filter_search(self, queryset, name, value):
        # Addresses are stored lower-case, so a case-sensitive match on the lowered query
        # finds them and can use the trigram index on PostgreSQL.
        return name_search(queryset, value, also=Q(email__contains=value.strip().lower()))

    def filter_organisation(self, queryset, name, value):
        current = Affiliation.objects.filter(
            contact=OuterRef("pk"), organisation_id=value, end_date__isnull=True
        )
        return queryset.filter(Exists(current))

    def filter_tag(self, queryset, name, value):
        tagged = ContactTag.objects.filter(content_object=OuterRef("pk")).filter(
            Q(tag__name__iexact=value) | Q(tag__slug=value)
        )
        return queryset.filter(Exists(tagged))

    def filter_forum(self, queryset, name, value):
        attended = Participation.objects.filter(
            contact=OuterRef("pk"), forum_id=value, status=ParticipationStatus.ATTENDED
        )
        return queryset.filter(Exists(attended))


class OrganisationFilter(filters.FilterSet):
    search = text(method="filter_search", label="Name, in Cyrillic or Latin")
    sector = filters.MultipleChoiceFilter(distinct=False, choices=Sector.choices)
    city = text(field_name="city", lookup_expr="iexact")

    class Meta:
        model = Organisation
        fields = ["search", "sector", "city"]

    def filter_search(self, queryset, name, value):
        return name_search(queryset, value)


class AffiliationFilter(filters.FilterSet):
    contact = IdFilter(field_name="contact_id")
    organisation = IdFilter(field_name="organisation_id")
    current = boolean(field_name="end_date", lookup_expr="isnull")
    is_primary = boolean()

    class Meta:
        model = Affiliation
        fields = ["contact", "organisation", "current", "is_primary"]


class ProgrammeFilter(filters.FilterSet):
    search = text(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Programme
        fields = ["search"]


class ForumFilter(filters.FilterSet):
    programme = IdFilter(field_name="programme_id")
    kind = filters.MultipleChoiceFilter(distinct=False, choices=ForumKind.choices)
    city = text(field_name="city", lookup_expr="iexact")
    date_from = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="date", lookup_expr="lte")
    search = text(method="filter_search")

    class Meta:
        model = Forum
        fields = ["programme", "kind", "city", "date_from", "date_to", "search"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(venue__icontains=value) | Q(objective__icontains=value)
        )


class ForumDocumentFilter(filters.FilterSet):
    forum = IdFilter(field_name="forum_id")
    kind = filters.MultipleChoiceFilter(distinct=False, choices=DocumentKind.choices)

    class Meta:
        model = ForumDocument
        fields = ["forum", "kind"]


class ParticipationFilter(filters.FilterSet):
    forum = IdFilter(field_name="forum_id")
    contact = IdFilter(field_name="contact_id")
    organisation = IdFilter(field_name="organisation_id")
    programme = IdFilter(field_name="forum__programme_id")
    role = filters.MultipleChoiceFilter(distinct=False, choices=ParticipationRole.choices)
    status = filters.MultipleChoiceFilter(distinct=False, choices=ParticipationStatus.choices)
    sector = filters.MultipleChoiceFilter(
        distinct=False,
        choices=Sector.choices,
        method="filter_sector",
        label="Sector represented (the organisation's, else the contact's)",
    )

    class Meta:
        model = Participation
        fields = ["forum", "contact", "organisation", "programme", "role", "status", "sector"]

    def filter_sector(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Q(organisation__sector__in=value)
            | Q(organisation__isnull=True, contact__sector__in=value)
        )


class WorkingGroupFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(distinct=False, choices=WorkingGroupStatus.choices)
    origin_forum = IdFilter(field_name="origin_forum_id")
    programme = IdFilter(field_name="programme_id")

    class Meta:
        model = WorkingGroup
        fields = ["status", "origin_forum", "programme"]


class MembershipFilter(filters.FilterSet):
    working_group = IdFilter(field_name="working_group_id")
    contact = IdFilter(field_name="contact_id")
    role = filters.MultipleChoiceFilter(distinct=False, choices=MembershipRole.choices)
    current = boolean(field_name="left_on", lookup_expr="isnull")

    class Meta:
        model = WorkingGroupMembership
        fields = ["working_group", "contact", "role", "current"]


class ConsentFilter(filters.FilterSet):
    contact = IdFilter(field_name="contact_id")
    purpose = filters.MultipleChoiceFilter(distinct=False, choices=ConsentPurpose.choices)
    source = filters.MultipleChoiceFilter(distinct=False, choices=ConsentSource.choices)
    granted = boolean()

    class Meta:
        model = Consent
        fields = ["contact", "purpose", "source", "granted"]
