"""The OpenAPI schema is a contract: Schemathesis generates requests from it, valid and
invalid, sends them to the app in-process as a coordinator, and holds every answer to it.

The checks: no 500; every status code is one the operation documents; every body matches
the schema documented for its status and content type.

In `make test` and CI the run is bounded (two to three minutes on two cores): the fuzzing
phase, CONTRACT_EXAMPLES cases per operation (25 by default), from a fixed seed. For a
deeper search before a release, raise CONTRACT_EXAMPLES and set CONTRACT_COVERAGE=1 to add
the coverage phase's boundary and invalid values for every parameter (about 10,000 more
cases; six minutes in all with the default examples).
"""

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .counts import CONTRACT_COUNTS
from .references import named_models, path_models, with_real_ids

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "max-examples": int(os.environ.get("CONTRACT_EXAMPLES", "25")),
            # No example database in the work tree, and a fixed seed, so that CI does not
            # fail on a case nobody can reproduce. (Schemathesis also learns from the
            # answers, so two runs can still differ in a few cases.)
            "database": "none",
            "deterministic": True,
            # A failure is reported with the request that caused it; shrinking that to a
            # smaller request could take longer than the whole run.
            "no-shrink": True,
        },
        "phases": {"coverage": {"enabled": os.environ.get("CONTRACT_COVERAGE") == "1"}},
    }
)

schema = schemathesis.openapi.from_wsgi(
    "/api/v1/schema/?format=json", get_wsgi_application(), config=CONFIG
)


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    path = context.operation.path
    return with_real_ids(path_parameters, path_models(path, path_parameters or ()))


@schema.hook
def flatmap_query(context, query):
    return with_real_ids(query, named_models(context.operation.path, query or ()))


@schema.hook
def flatmap_body(context, body):
    names = body if isinstance(body, dict) else ()
    return with_real_ids(body, named_models(context.operation.path, names))


@pytest.mark.contract
@pytest.mark.django_db
@schema.parametrize()
def test_every_answer_matches_the_schema(case, world_token):
    headers = {"Authorization": f"Token {world_token}"}
    # Each case starts from the same world: what one case creates or deletes is undone.
    with transaction.atomic():
        response = case.call(headers=headers)
        transaction.set_rollback(True)
    CONTRACT_COUNTS.record(
        operation=case.operation.label,
        phase=f"{case.meta.phase.name.value} {case.meta.generation.mode.value}"
        if case.meta
        else "explicit",
        status=response.status_code,
    )
    case.validate_response(response, checks=CHECKS, headers=headers)
