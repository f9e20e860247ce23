from rest_framework.routers import SimpleRouter

from .views import (
    EmailHoldViewSet,
    FollowUpViewSet,
    InvitationViewSet,
    MailingViewSet,
    MessageTemplateViewSet,
)

router = SimpleRouter()
router.register("templates", MessageTemplateViewSet, basename="template")
router.register("mailings", MailingViewSet, basename="mailing")
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("follow-ups", FollowUpViewSet, basename="follow-up")
router.register("email-holds", EmailHoldViewSet, basename="email-hold")

urlpatterns = router.urls
