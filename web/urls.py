from django.urls import path

from web.views import (
    contacts,
    dashboard,
    documents,
    engagement,
    forums,
    mailings,
    message_templates,
    network,
    organisations,
    working_groups,
)

app_name = "web"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("contacts/", contacts.contact_list, name="contacts"),
    path("contacts/new/", contacts.contact_new, name="contact_new"),
    path("contacts/<int:pk>/", contacts.contact_detail, name="contact"),
    path("contacts/<int:pk>/edit/", contacts.contact_edit, name="contact_edit"),
    path("organisations/", organisations.organisation_list, name="organisations"),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation"),
    path("forums/", forums.forum_list, name="forums"),
    path("files/<path:name>", documents.document_download, name="document"),
    path("forums/<int:pk>/", forums.forum_detail, name="forum"),
    path("forums/<int:pk>/check-in/", forums.forum_check_in, name="forum_check_in"),
    path("forums/<int:pk>/check-in/all/", forums.forum_mark_all, name="forum_mark_all"),
    path("participations/<int:pk>/mark/", forums.participation_mark, name="participation_mark"),
    path("working-groups/", working_groups.working_group_list, name="working_groups"),
    path("working-groups/<int:pk>/", working_groups.working_group_detail, name="working_group"),
    path(
        "working-groups/<int:pk>/invite/",
        working_groups.working_group_invite,
        name="working_group_invite",
    ),
    path("network/", network.explorer, name="network"),
    path("engagement/", engagement.engagement_overview, name="engagement"),
    path("engagement/lapsed/email/", engagement.lapsed_email, name="lapsed_email"),
    path("templates/", message_templates.template_list, name="templates"),
    path("templates/new/", message_templates.template_new, name="template_new"),
    path("templates/<int:pk>/edit/", message_templates.template_edit, name="template_edit"),
    path("templates/preview/", message_templates.template_preview_view, name="template_preview"),
    path("mailings/", mailings.mailing_list, name="mailings"),
    path("mailings/new/", mailings.mailing_new, name="mailing_new"),
    path("mailings/audience/", mailings.audience_preview, name="audience_preview"),
    path("mailings/<int:pk>/", mailings.mailing_detail, name="mailing"),
    path("mailings/<int:pk>/send/", mailings.mailing_send, name="mailing_send"),
    path("mailings/<int:pk>/schedule/", mailings.mailing_schedule_view, name="mailing_schedule"),
    path("mailings/<int:pk>/cancel/", mailings.mailing_cancel_view, name="mailing_cancel"),
]
