"""One place that turns domain and database errors into clear 4xx answers.

Services raise Django's ValidationError (field -> messages); deleting something still in use
raises ProtectedError; a race past validation ends in IntegrityError; a value out of range
for Python or the database raises OverflowError or DataError; a form body past Django's
limits raises RequestDataTooBig or TooManyFieldsSent. None of them is a 500. Every error is
JSON, in the shape the schema documents (crm.api.schema), even when the request asked for a
CSV export. Every wrong token counts towards pausing the address that keeps sending them
(throttling).
"""

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from crm.services.common import still_in_use_message

from .throttling import auth_failure_record


def exception_handler(exc, context):
    response = _error_response(exc, context)
    request = context.get("request")
    renderer = getattr(request, "accepted_renderer", None)
    if response is not None and not isinstance(
        renderer, JSONRenderer | BrowsableAPIRenderer | None
    ):
        # A CSV reader would get a file with no rows, not the reason.
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    return response


def _error_response(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = as_serializer_error(exc)
        # Django files rule-level errors under "__all__"; the API says non_field_errors.
        if NON_FIELD_ERRORS in detail:
            detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, ProtectedError | RestrictedError):
        return Response({"detail": still_in_use_message(exc)}, status=status.HTTP_409_CONFLICT)
    elif isinstance(exc, OverflowError | DataError):
        # A date in year 1, an id past 64 bits: out of what Python's dates or the database
        # can hold, wherever in the request it was (a field, a filter, a path).
        return Response(
            {"detail": _("A value in the request is out of range.")},
            status=status.HTTP_400_BAD_REQUEST,
        )
    elif isinstance(exc, IntegrityError):
        return Response(
            {"detail": _("This change conflicts with existing data; reload and try again.")},
            status=status.HTTP_409_CONFLICT,
        )
    elif isinstance(exc, RequestDataTooBig):
        # Django's own answer would be an HTML 400 page.
        return Response(
            {"detail": _("The request body is too large.")},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = exceptions.ParseError(str(exc))
    if isinstance(exc, exceptions.AuthenticationFailed):
        # Credentials were given and are wrong (a request without any is NotAuthenticated).
        auth_failure_record(context["request"])
    return drf_exception_handler(exc, context)
