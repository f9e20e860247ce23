"""One place that turns domain and database errors into clear 4xx answers.

Services raise Django's ValidationError (field -> messages); deleting something still in use
raises ProtectedError; a race past validation ends in IntegrityError; a form body past
Django's limits raises RequestDataTooBig or TooManyFieldsSent. None of them is a 500.
Every error is JSON, in the shape the schema documents (crm.api.schema), even when the
request asked for a CSV export.
"""

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


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
        objects = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", ())
        blockers = sorted({str(obj._meta.verbose_name_plural) for obj in objects})
        return Response(
            {
                "detail": _("This record is still in use by %(what)s; remove those first.")
                % {"what": ", ".join(blockers)}
            },
            status=status.HTTP_409_CONFLICT,
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
    return drf_exception_handler(exc, context)
