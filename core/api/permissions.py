from rest_framework.permissions import DjangoModelPermissions


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
