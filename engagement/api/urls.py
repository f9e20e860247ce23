from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import (
    CohortView,
    ContactEngagementViewSet,
    ForumBalanceView,
    LapsedViewSet,
    OrganisationEngagementViewSet,
    RecomputeViewSet,
    SectorEngagementViewSet,
    WorkingGroupBalanceView,
)

router = DefaultRouter()
router.register("contacts", ContactEngagementViewSet, basename="engagement-contact")
router.register("organisations", OrganisationEngagementViewSet, basename="engagement-organisation")
router.register("sectors", SectorEngagementViewSet, basename="engagement-sector")
router.register("lapsed", LapsedViewSet, basename="engagement-lapsed")
router.register("recompute", RecomputeViewSet, basename="engagement-recompute")

urlpatterns = [
    path("cohorts/", CohortView.as_view(), name="engagement-cohorts"),
    path("forums/", ForumBalanceView.as_view(), name="engagement-forums"),
    path("working-groups/", WorkingGroupBalanceView.as_view(), name="engagement-working-groups"),
    *router.urls,
]
