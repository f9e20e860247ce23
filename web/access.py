"""Who may see and change what in the pages: the same model permissions as the API and the
admin (crm.roles), so a viewer reads everything and changes nothing, and a signed-in user
with no role reads nothing at all (403), as the API answers them."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from crm.roles import may_export_personal_data

# Shown on the 403 page when a viewer asks for an export.
EXPORT_REFUSED = _(
    "Exports of people's details are for coordinators: your role lets you read them here."
)


def may(user, *perms: str) -> bool:
    return user.is_authenticated and user.has_perms(perms)


def _guarded(view, perms: tuple[str, ...]):
    @wraps(view)
    @login_required
    def guarded(request, *args, **kwargs):
        if not may(request.user, *perms):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    guarded.required_permissions = perms  # read by the tests that walk every page
    return guarded


def page(*perms: str):
    """A view that reads: GET or HEAD only (405 for anything else), signed in, and holding
    the view permission of every kind of record the page shows (else 403), the permissions
    the API asks for the same rows."""
    if not perms:
        raise TypeError("a page names the view permissions of what it shows")

    return lambda view: _guarded(require_safe(view), perms)


def changes(*perms: str):
    """A view that writes: signed in, and holding every permission named (else 403)."""
    return lambda view: _guarded(view, perms)


def personal_export_check(user) -> None:
    """For a page that answers with a file of people (a CSV of names, addresses, scores):
    403 with the reason unless the user may export them, by the rule the API follows too
    (crm.roles.may_export_personal_data)."""
    if not may_export_personal_data(user):
        raise PermissionDenied(EXPORT_REFUSED)
