"""The OpenAPI schema as a contract a generated client can trust (drf-spectacular).

drf-spectacular documents the success answer of each operation. This AutoSchema adds, in
one place, the error answers every operation can give, all in the one body shape the
exception handler (core.api.exceptions) produces; describes times as the local wall-clock
times the API sends; and documents CSV exports as text.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

ERROR_SCHEMA = {
    "type": "object",
    "description": (
        'Why the request failed. "detail" carries one message; a request that fails '
        "validation has a list of messages per field instead (an object for a nested "
        'field, indexed by position in a list), and rules that span fields under "'
        'non_field_errors".'
    ),
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
            {"type": "object"},
        ]
    },
}

# Status code -> (component name, description, headers).
ERRORS = {
    "400": (
        "BadRequest",
        "The request is malformed or fails validation: messages per field, or a detail "
        "when the body cannot be read.",
        {},
    ),
    "401": (
        "Unauthorized",
        "No valid credentials: send `Authorization: Token <key>` or sign in.",
        {
            "WWW-Authenticate": {
                "schema": {"type": "string"},
                "description": "The scheme to authenticate with (Token).",
            }
        },
    ),
    "403": (
        "Forbidden",
        "Signed in, but the role does not allow this: viewers read, coordinators write.",
        {},
    ),
    "404": ("NotFound", "No such object, page or snapshot.", {}),
    "406": (
        "NotAcceptable",
        "None of the media types in the Accept header can be produced.",
        {},
    ),
    "409": (
        "Conflict",
        "The change conflicts with existing data (reload and try again), or the record is "
        "still in use by others.",
        {},
    ),
    "413": (
        "ContentTooLarge",
        "The body is larger than the server accepts (DATA_UPLOAD_MAX_MEMORY_SIZE of form fields).",
        {},
    ),
    "415": (
        "UnsupportedMediaType",
        "The body is not JSON, a form or multipart.",
        {},
    ),
    "429": (
        "TooManyRequests",
        "Too many requests: wait the number of seconds in Retry-After.",
        {
            "Retry-After": {
                "schema": {"type": "integer", "minimum": 0},
                "description": "Seconds to wait before trying again.",
            }
        },
    ),
}

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Query parameters that cannot make a request a 400: a bad page_size falls back to the
# default, and a page past the end or an unknown format is a 404.
HARMLESS_PARAMETERS = {"page", "page_size", "format"}
# What DRF's TimeField sends and reads: wall-clock time in the forum's city, without the
# offset that RFC 3339's "full-time" (OpenAPI's format: time) requires.
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


class ApiSchema(AutoSchema):
    """drf-spectacular's AutoSchema, with error answers, clock times and CSV as text."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for status in self._error_statuses(operation):
            operation["responses"].setdefault(status, self._error_response(status))
        return operation

    def _error_statuses(self, operation) -> list[str]:
        """The error answers this operation can give, from what it takes and does."""
        query = {
            p["name"] for p in operation.get("parameters", ()) if p["in"] == "query"
        } - HARMLESS_PARAMETERS
        has_body = "requestBody" in operation
        statuses = ["401", "403", "406", "429"]
        if self.method in WRITE_METHODS or has_body or query:
            statuses.append("400")
        if "{" in self.path or any(
            p["name"] in ("page", "snapshot") for p in operation.get("parameters", ())
        ):
            statuses.append("404")
        if self.method in WRITE_METHODS:
            statuses.append("409")
        if has_body:
            statuses += ["413", "415"]
        return sorted(statuses)

    def _error_response(self, status: str) -> dict:
        name, description, headers = ERRORS[status]
        error = ResolvedComponent(
            name="Error", type=ResolvedComponent.SCHEMA, schema=ERROR_SCHEMA, object="Error"
        )
        self.registry.register_on_missing(error)
        response = {
            "description": description,
            "content": {"application/json": {"schema": error.ref}},
        }
        if headers:
            response["headers"] = headers
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.RESPONSE, schema=response, object=name
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _get_paginator(self):
        paginator = super()._get_paginator()
        beside = getattr(self.view, "page_beside", None)
        if paginator is None or not beside:
            return paginator
        refs = {name: self.resolve_serializer(s, "response").ref for name, s in beside.items()}
        return _PageWithFields(paginator, refs)

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.TimeField) and schema.get("format") == "time":
            del schema["format"]
            schema["pattern"] = TIME_PATTERN
            schema.setdefault("example", "10:00:00")
        return schema

    def _get_response_for_code(
        self, serializer, status_code, media_types=None, direction="response"
    ):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        if "text/csv" in response.get("content", {}):
            # Every row of the filtered list, not a page of it, as a spreadsheet reads it.
            response["content"]["text/csv"] = {
                "schema": {"type": "string", "description": "UTF-8 CSV, a header row first."}
            }
        return response


class _PageWithFields:
    """A paginator whose page carries more fields beside the results (``page_beside``: the
    snapshot a network or engagement list was read from)."""

    def __init__(self, paginator, refs: dict):
        self.paginator = paginator
        self.refs = refs

    def __getattr__(self, name):
        return getattr(self.paginator, name)

    def get_paginated_response_schema(self, schema):
        page = self.paginator.get_paginated_response_schema(schema)
        page["properties"] = {**self.refs, **page["properties"]}
        page["required"] = [*self.refs, *page.get("required", [])]
        return page
