"""One browsable root for /api/v1/: the CRM's and outreach's resources on one router, so
`GET /api/v1/` lists them all (two routers on one prefix would each show only their own)."""

from django.http import JsonResponse
from django.views import defaults
from rest_framework.exceptions import NotFound
from rest_framework.routers import DefaultRouter

from crm.api.urls import router as crm_router
from outreach.api.urls import router as outreach_router

router = DefaultRouter()
for app_router in (crm_router, outreach_router):
    for prefix, viewset, basename in app_router.registry:
        router.register(prefix, viewset, basename=basename)

urlpatterns = router.urls


def page_not_found(request, exception):
    """An address under /api/ that matches no route (``engagement/contacts/x/history/``)
    answers like the API's own 404s, in JSON with a detail, as the schema documents; pages
    stay HTML."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)
