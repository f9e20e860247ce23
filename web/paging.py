"""Pagination and sorting shared by the list pages."""

from django.core.paginator import Paginator

PAGE_SIZES = (25, 50, 100)


def paginate(request, queryset, default_size: int = 25):
    try:
        size = int(request.GET.get("page_size", default_size))
    except ValueError:
        size = default_size
    size = size if size in PAGE_SIZES else default_size
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def sort(request, queryset, allowed: dict[str, str], default: str):
    """Order by a whitelisted column (``?sort=name`` or ``?sort=-name``)."""
    wanted = request.GET.get("sort", default)
    key = wanted.lstrip("-")
    if key not in allowed:
        wanted, key = default, default.lstrip("-")
    descending = wanted.startswith("-")
    field = allowed[key]
    return queryset.order_by(("-" if descending else "") + field, "pk"), wanted


def query_without(request, *names: str) -> str:
    """The current query string without some parameters (for sort and page links)."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()
