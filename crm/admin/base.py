from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q, Subquery
from django.db.models.functions import Coalesce
from simple_history.admin import SimpleHistoryAdmin

from core.names import name_search

# Links typed without a scheme are read as https (Django 6's default, chosen now).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class HistoryAdmin(SimpleHistoryAdmin):
    """Change history to read, never to replay.

    django-simple-history's per-version page saves on POST for anyone allowed to *view*
    history, and a replay would skip the services' rules anyway (sectors, consent). So the
    version pages are read-only for everyone: POST is refused.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class FixedOnChangeMixin:
    """Fields that identify a row (whose participation, which group) cannot be edited once
    it exists: a participation or membership never moves to someone else."""

    fixed_on_change: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly + self.fixed_on_change if obj is not None else readonly


class FoldedSearchMixin:
    """Admin search (and the autocomplete pickers it feeds) through the one name search
    (core.names), plus plain-text fields. ``search_key_field`` is the folded name column,
    across a relation where the rows are someone's records (``contact__search_key``)."""

    search_key_field = "search_key"
    plain_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        also = None
        for field in self.plain_search_fields:
            plain = Q(**{f"{field}__icontains": search_term.strip()})
            also = plain if also is None else also | plain
        return name_search(queryset, search_term, key=self.search_key_field, also=also), False


def count_of(related, group_by: str):
    """A per-row count as a correlated subquery: with the list ordered by an index, the
    database counts only for the rows of the page, instead of aggregating the whole table
    the way Count() over a join must."""
    counted = related.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


class RecordedRowsInline(admin.TabularInline):
    """Rows already recorded, with the related record shown read-only from a join.

    A select or autocomplete widget per row costs one query per row (the widget reloads its
    chosen value), which a 1,000-person forum turns into a page that takes seconds; new
    rows are added through the paired ``NewRowsInline`` instead.
    """

    extra = 0
    max_num = 0
    show_change_link = True
    joined: tuple[str, ...] = ()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.joined)


class NewRowsInline(admin.TabularInline):
    """Blank rows to add more, with search-as-you-type pickers; shows no existing rows."""

    extra = 2
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).none()
