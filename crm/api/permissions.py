from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission, DjangoModelPermissions

from crm.roles import may_export_personal_data


class RolePermissions(DjangoModelPermissions):
    """Model permissions, with reads gated too: nothing personal is readable anonymously,
    and a signed-in user needs the view permission (the viewer or coordinator group).

    Writes need the add/change/delete permission that only coordinators (and staff) hold.
    """

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }


class PersonalDataExport(BasePermission):
    """A CSV answer is a file of people unless its view says otherwise
    (``exports_personal_data = False`` on aggregates: sectors, cohorts, organisations), and
    such a file is for whoever crm.roles.may_export_personal_data allows, as on the pages.
    JSON answers are reading, which RolePermissions decides. Listed in the API's default
    permissions, so a new CSV export is covered without asking."""

    message = _("Your role may read people's details but not export them.")

    def has_permission(self, request, view):
        renderer = getattr(request, "accepted_renderer", None)
        if getattr(renderer, "format", None) != "csv":
            return True
        if not getattr(view, "exports_personal_data", True):
            return True
        return may_export_personal_data(request.user)
