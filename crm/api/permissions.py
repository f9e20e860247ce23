from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from crm.roles import may_export_personal_data


class PersonalDataExport(BasePermission):
    """A CSV answer is a file of people unless its view says otherwise
    (``exports_personal_data = False`` on counts: sectors, cohorts, organisations), and such
    a file is for whoever crm.roles.may_export_personal_data allows, as on the pages. JSON
    answers are reading, which core.api.permissions.RolePermissions decides. Listed in the
    API's default permissions, so a new CSV export is covered without asking."""

    message = _("Your role may read people's details but not export them.")

    def has_permission(self, request, view):
        renderer = getattr(request, "accepted_renderer", None)
        if getattr(renderer, "format", None) != "csv":
            return True
        if not getattr(view, "exports_personal_data", True):
            return True
        return may_export_personal_data(request.user)
