from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from outreach.views import invitation_answer_view, unsubscribe_view

urlpatterns = [
    path("", include("web.urls")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Where browsers look when a page names no icon (the admin, the API, a file): the
    # static file, through its hashed name in production (looked up when asked, not at import).
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("web/favicon.ico"))),
    path("admin/", admin.site.urls),
    path("api/v1/network/", include("network.api.urls")),
    path("api/v1/engagement/", include("engagement.api.urls")),
    path("api/v1/", include("config.api")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its set-up script from a URL, so the page runs no inline script;
    # Swagger UI's page does carry an inline style element.
    path(
        "api/v1/docs/",
        csp_update({"style-src": [SELF, UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="api-docs",
    ),
    path("api-auth/", include("rest_framework.urls")),
    # Reached from e-mails, without a login: signed tokens only.
    path("u/<str:token>/", unsubscribe_view, name="unsubscribe"),
    path("i/<str:token>/", invitation_answer_view, name="invitation-answer"),
]

handler404 = "config.api.page_not_found"

if settings.ANYMAIL["WEBHOOK_SECRET"] and settings.ANYMAIL_PROVIDER:
    from anymail import urls as anymail_urls

    # Only the configured provider's bounce and complaint reports: no inbound mail, and no
    # endpoint of a provider this installation does not use.
    tracking = f"{settings.ANYMAIL_PROVIDER}_tracking_webhook"
    urlpatterns.append(
        path("anymail/", include([p for p in anymail_urls.urlpatterns if p.name == tracking]))
    )
# Uploaded files are never served from MEDIA_ROOT directly, not even in development: the
# storage's URLs (MEDIA_URL, /files/) lead to web.views.documents, which checks who asks.
