"""What every page's frame needs to know about the user's role (templates/web/base.html)."""

from django.utils.functional import SimpleLazyObject

from crm.roles import may_export_personal_data
from web.access import may


def role(request):
    """``read_only``: signed in with the viewer's reading rights and no right to change
    people (the banner saying so); ``may_export``: files of people's details allowed.
    Lazy, so pages that never ask (the admin, the API) pay nothing."""
    user = getattr(request, "user", None)
    if user is None:  # a page answered before the authentication middleware ran
        return {"read_only": False, "may_export": False}
    return {
        "read_only": SimpleLazyObject(
            lambda: may(user, "crm.view_contact") and not may(user, "crm.change_contact")
        ),
        "may_export": SimpleLazyObject(lambda: may_export_personal_data(user)),
    }
