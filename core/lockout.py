"""The answer to a sign-in after too many failures (django-axes calls this): 429 with
Retry-After, as a page for people and as JSON for scripts."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, original_response=None, credentials=None):
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    minutes = max(1, round(seconds / 60))
    message = _(
        "Too many failed sign-ins for this account from your address. Try again in "
        "%(minutes)d minutes, or ask a coordinator to reset your password."
    ) % {"minutes": minutes}
    wants_json = request.path.startswith("/api/") or (
        request.META.get("HTTP_X_REQUESTED_WITH") == "XMLHttpRequest"
    )
    if wants_json:
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response
