"""The API's JSON renderer encodes with orjson and must write what REST framework's own
renderer writes: byte for byte, but for the exponent of very small floats (1e-7, 1e-07)."""

import datetime as dt
import json
import uuid
import zoneinfo
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework import renderers
from rest_framework.exceptions import ErrorDetail
from rest_framework.utils.serializer_helpers import ReturnDict

from core.api.renderers import JSONRenderer

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")

ANSWERS = [
    {"count": 2, "next": None, "results": [{"id": 1, "name": "Айгерим Касымова", "ok": True}]},
    # Values orjson leaves to REST framework's encoder, which formats them its own way.
    {
        "at": dt.datetime(2024, 3, 1, 10, 30, 15, 123456, tzinfo=dt.UTC),
        "local": dt.datetime(2024, 3, 1, 10, 30, tzinfo=ALMATY),
        "day": dt.date(2024, 3, 1),
        "time": dt.time(9, 30, 15, 5000),
        "amount": Decimal("12.50"),
        "label": gettext_lazy("Forum updates"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "span": dt.timedelta(hours=1, seconds=3),
    },
    ReturnDict({"error": [ErrorDetail("Too long.", code="max_length")]}, serializer=None),
    {7: "int keys", 2.5: "float keys", None: "null key", True: "bool key"},
    {"line": "a\u2028b\u2029c", "floats": [0.1, 1e16, -0.0, 0.30000000000000004], "empty": {}},
    {"huge": 2**70},  # past 64 bits: orjson refuses, REST framework's encoder writes it
]


@pytest.mark.parametrize("answer", ANSWERS)
def test_writes_what_rest_frameworks_renderer_writes(answer):
    assert JSONRenderer().render(answer) == renderers.JSONRenderer().render(answer)


def test_small_floats_read_the_same():
    answer = {"floats": [1e-7, 5e-324, 1.5e-300]}
    rendered = JSONRenderer().render(answer)
    assert json.loads(rendered) == json.loads(renderers.JSONRenderer().render(answer))


@pytest.mark.parametrize("accept", ["application/json; indent=4", "application/json; indent=2"])
def test_indented_json_is_still_indented(accept):
    answer = {"results": [{"id": 1}]}
    rendered = JSONRenderer().render(answer, accept)
    assert rendered == renderers.JSONRenderer().render(answer, accept)
    assert b"\n" in rendered


def test_an_unknown_type_still_fails_loudly():
    with pytest.raises(TypeError):
        JSONRenderer().render({"thing": object()})


def test_the_api_answers_through_it(coordinator_api):
    response = coordinator_api.get("/api/v1/contacts/")
    assert isinstance(response.accepted_renderer, JSONRenderer)
    assert response["Content-Type"] == "application/json"
