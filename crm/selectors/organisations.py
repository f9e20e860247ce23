from django.db.models import Count, QuerySet

from core.filters import filterset_bind
from crm.filters import OrganisationFilter
from crm.models import Affiliation, Forum, Organisation, Participation, ParticipationStatus


def organisation_list(*, filters) -> QuerySet[Organisation]:
    """The organisations the API's FilterSet lets through (``filters`` a query dict); a
    filter value that cannot be applied is left out, as the API does."""
    return filterset_bind(OrganisationFilter, filters, Organisation.objects.all()).qs


def organisation_affiliations(organisation: Organisation) -> list[Affiliation]:
    """Everyone affiliated with the organisation, current first, with the person."""
    return list(
        Affiliation.objects.filter(organisation=organisation)
        .select_related("contact")
        .order_by("end_date", "-start_date", "contact__family_name")
    )


def organisation_forums(organisation: Organisation) -> list[Forum]:
    """The forums its people attended for it, newest first, each with ``people``."""
    people_at = dict(
        Participation.objects.filter(organisation=organisation, status=ParticipationStatus.ATTENDED)
        .values_list("forum_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    forums = list(Forum.objects.filter(pk__in=people_at).order_by("-date"))
    for forum in forums:
        forum.people = people_at[forum.pk]
    return forums
