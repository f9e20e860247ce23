from rest_framework.routers import SimpleRouter

from .consent import ConsentViewSet
from .contacts import ContactViewSet
from .forums import ForumDocumentViewSet, ForumViewSet, ProgrammeViewSet
from .lists import ContactListViewSet
from .organisations import AffiliationViewSet, OrganisationViewSet
from .participation import ParticipationViewSet
from .working_groups import MembershipViewSet, WorkingGroupViewSet

router = SimpleRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("contacts", ContactViewSet, basename="contact")
router.register("affiliations", AffiliationViewSet, basename="affiliation")
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("forums", ForumViewSet, basename="forum")
router.register("forum-documents", ForumDocumentViewSet, basename="forum-document")
router.register("participations", ParticipationViewSet, basename="participation")
router.register("working-groups", WorkingGroupViewSet, basename="working-group")
router.register("working-group-memberships", MembershipViewSet, basename="working-group-membership")
router.register("consents", ConsentViewSet, basename="consent")
router.register("contact-lists", ContactListViewSet, basename="contact-list")

urlpatterns = router.urls
