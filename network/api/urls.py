from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import (
    ActorViewSet,
    BrokerView,
    ForumGrowthViewSet,
    GraphView,
    OrganisationMetricsViewSet,
    RecomputeViewSet,
    SectorView,
)

router = DefaultRouter()
router.register("actors", ActorViewSet, basename="network-actor")
router.register("organisations", OrganisationMetricsViewSet, basename="network-organisation")
router.register("forums", ForumGrowthViewSet, basename="network-forum")
router.register("recompute", RecomputeViewSet, basename="network-recompute")

urlpatterns = [
    path("brokers/", BrokerView.as_view(), name="network-brokers"),
    path("sectors/", SectorView.as_view(), name="network-sectors"),
    path("graph/", GraphView.as_view(), name="network-graph"),
    *router.urls,
]
