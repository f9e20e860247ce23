from django.shortcuts import get_object_or_404, render

from crm.models import Organisation
from crm.selectors import organisations as crm_organisations
from crm.selectors.counts import organisation_people_counts
from crm.selectors.organisations import organisation_affiliations, organisation_forums
from engagement.selectors import organisation_engagement
from network.selectors import organisation_metrics
from web.access import page
from web.paging import paginate, query_without, sort

SORTS = {"name": "name", "sector": "sector", "city": "city"}


@page("crm.view_organisation")
def organisation_list(request):
    queryset = crm_organisations.organisation_list(filters=request.GET)
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
    affiliations = organisation_affiliations(organisation)
    return render(
        request,
        "web/organisations/detail.html",
        {
            "section": "organisations",
            "organisation": organisation,
            "current": [a for a in affiliations if a.end_date is None],
            "past": [a for a in affiliations if a.end_date is not None],
            "forums": organisation_forums(organisation),
            "engagement": organisation_engagement(organisation.pk),
            "metrics": organisation_metrics(organisation.pk),
        },
    )
