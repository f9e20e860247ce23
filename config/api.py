"""One browsable root for /api/v1/: the CRM's and outreach's resources on one router, so
`GET /api/v1/` lists them all (two routers on one prefix would each show only their own)."""

from rest_framework.routers import DefaultRouter

from crm.api.urls import router as crm_router
from outreach.api.urls import router as outreach_router

router = DefaultRouter()
for app_router in (crm_router, outreach_router):
    for prefix, viewset, basename in app_router.registry:
        router.register(prefix, viewset, basename=basename)

urlpatterns = router.urls
