"""Who may see and change what in the pages: the same model permissions as the API and the
admin (crm.roles), so a viewer reads everything and changes nothing."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def may(user, *perms: str) -> bool:
    return user.is_authenticated and user.has_perms(perms)


def page(view):
    """Signed-in users only: a page is never shown to an anonymous visitor."""
    return login_required(view)


def changes(*perms: str):
    """A view that writes: signed in, and holding every permission named (else 403)."""

    def decorate(view):
        @wraps(view)
        @login_required
        def guarded(request, *args, **kwargs):
            if not may(request.user, *perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    return decorate
