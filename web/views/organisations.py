from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from crm.filters import OrganisationFilter
from crm.models import Affiliation, Forum, Organisation, Participation
from crm.selectors.counts import organisation_people_counts
from engagement.models import OrganisationEngagement
from engagement.selectors import engagement_snapshot_select
from network.models import OrganisationMetrics
from network.selectors import snapshot_select
from web.access import page
from web.paging import paginate, query_without, sort

SORTS = {"name": "name", "sector": "sector", "city": "city"}


@page("crm.view_organisation")
def organisation_list(request):
    params = request.GET.copy()
    for key in list(params):
        if key not in OrganisationFilter.base_filters or not params.get(key):
            del params[key]
    queryset = OrganisationFilter(params, queryset=Organisation.objects.all()).qs
    queryset, current_sort = sort(request, queryset, SORTS, "name")
    organisations = paginate(request, queryset)
    people = organisation_people_counts([o.pk for o in organisations])
    for organisation in organisations:
        organisation.people = people.get(organisation.pk, 0)
    return render(
        request,
        "web/organisations/list.html",
        {
            "section": "organisations",
            "organisations": organisations,
            "sort": current_sort,
            "sort_query": query_without(request, "sort", "page"),
            "page_query": query_without(request, "page"),
            "search": request.GET.get("search", ""),
            "sector": request.GET.get("sector", ""),
            "sectors": Organisation._meta.get_field("sector").choices,
        },
    )


@page("crm.view_organisation", "crm.view_affiliation", "network.view_organisationmetrics")
def organisation_detail(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    affiliations = list(
        Affiliation.objects.filter(organisation=organisation)
        .select_related("contact")
        .order_by("end_date", "-start_date", "contact__family_name")
    )
    people_at = dict(
        Participation.objects.filter(organisation=organisation, status="attended")
        .values_list("forum_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    forums = list(Forum.objects.filter(pk__in=people_at).order_by("-date"))
    for forum in forums:
        forum.people = people_at[forum.pk]
    engagement_snapshot = engagement_snapshot_select()
    engagement = (
        OrganisationEngagement.objects.filter(
            snapshot=engagement_snapshot, organisation=organisation
        ).first()
        if engagement_snapshot
        else None
    )
    network_snapshot = snapshot_select()
    metrics = (
        OrganisationMetrics.objects.filter(
            snapshot=network_snapshot, organisation=organisation
        ).first()
        if network_snapshot
        else None
    )
    return render(
        request,
        "web/organisations/detail.html",
        {
            "section": "organisations",
            "organisation": organisation,
            "current": [a for a in affiliations if a.end_date is None],
            "past": [a for a in affiliations if a.end_date is not None],
            "forums": forums,
            "engagement": engagement,
            "metrics": metrics,
        },
    )
