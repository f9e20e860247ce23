from django.contrib import admin
from django.db.models import OuterRef
from django.utils.translation import gettext_lazy as _

from crm.models import Affiliation, Organisation
from crm.services.contacts import contact_sector_refresh

from .base import HTTPS_URLS, FoldedSearchMixin, HistoryAdmin, count_of


@admin.register(Organisation)
class OrganisationAdmin(FoldedSearchMixin, HistoryAdmin):
    list_display = ["name", "sector", "city", "people", "website"]
    list_filter = ["sector", "city"]
    search_fields = ["search_key"]  # enables the search box; the mixin does the matching
    plain_search_fields = ("name", "website")
    readonly_fields = ["created", "updated"]
    formfield_overrides = HTTPS_URLS

    def get_queryset(self, request):
        current = Affiliation.objects.filter(organisation=OuterRef("pk"), end_date__isnull=True)
        return super().get_queryset(request).annotate(_people=count_of(current, "organisation"))

    @admin.display(description=_("current people"), ordering="_people")
    def people(self, organisation):
        return organisation._people

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "sector" in form.changed_data:
            contact_sector_refresh(
                contact_ids=obj.affiliations.values_list("contact_id", flat=True)
            )
