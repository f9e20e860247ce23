import re

import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_describes_every_resource(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/organisations/",
        "/api/v1/contacts/",
        "/api/v1/contacts/{id}/history/",
        "/api/v1/affiliations/{id}/end/",
        "/api/v1/programmes/",
        "/api/v1/forums/",
        "/api/v1/participations/",
        "/api/v1/working-groups/",
        "/api/v1/working-group-memberships/",
        "/api/v1/consents/",
    ):
        assert path in schema["paths"], path
    contact_params = {p["name"] for p in schema["paths"]["/api/v1/contacts/"]["get"]["parameters"]}
    assert {
        "search",
        "sector",
        "organisation",
        "city",
        "tag",
        "language",
        "forum",
    } <= contact_params


def test_interactive_docs_are_served_without_a_cdn(api):
    response = api.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert "cdn.jsdelivr" not in page
    assert "/static/drf_spectacular_sidecar/" in page


def test_schema_generates_without_warnings_and_validates(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "openapi: 3" in out.read_text()


@pytest.fixture(scope="module")
def openapi():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def operations(openapi):
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def test_every_operation_documents_the_errors_it_can_answer(openapi):
    for method, path, operation in operations(openapi):
        codes = set(operation["responses"])
        assert {"401", "403", "406", "429"} <= codes, (method, path)
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            assert {"400", "409"} <= codes, (method, path)
        if "requestBody" in operation:
            assert {"413", "415"} <= codes, (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)


def test_errors_share_one_body_and_429_says_when_to_retry(openapi):
    responses = openapi["components"]["responses"]
    for name in ("BadRequest", "Unauthorized", "NotFound", "Conflict", "TooManyRequests"):
        schema = responses[name]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Error"}
    assert "Retry-After" in responses["TooManyRequests"]["headers"]
    assert openapi["components"]["schemas"]["Error"]["properties"]["detail"]["type"] == "string"


def test_fields_that_can_be_null_say_so(openapi):
    schemas = openapi["components"]["schemas"]
    for component, field in [
        ("Consent", "recorded_by"),
        ("Participation", "organisation_name"),
        ("ContactEngagement", "organisation_name"),
        ("ContactEngagement", "email"),
        ("Lapsed", "organisation_name"),
        ("Actor", "organisation_name"),
        ("Broker", "organisation_name"),
    ]:
        assert schemas[component]["properties"][field].get("nullable"), (component, field)


def test_forum_times_are_local_clock_times_not_rfc3339(openapi):
    start = openapi["components"]["schemas"]["Forum"]["properties"]["start_time"]
    assert "format" not in start
    assert re.match(start["pattern"], "09:30:15")
    assert re.match(start["pattern"], "09:30")
    assert not re.match(start["pattern"], "24:00:00")


def test_brokers_answer_with_the_snapshot_and_a_list(openapi):
    answer = openapi["paths"]["/api/v1/network/brokers/"]["get"]["responses"]["200"]
    ref = answer["content"]["application/json"]["schema"]["$ref"]
    brokers = openapi["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert set(brokers["properties"]) == {"snapshot", "results"}
    assert brokers["properties"]["results"]["type"] == "array"


def test_snapshot_lists_declare_their_snapshot(openapi):
    schemas = openapi["components"]["schemas"]
    assert "snapshot" in schemas["PaginatedActorList"]["required"]
    assert "snapshot" in schemas["PaginatedContactEngagementList"]["required"]


def test_csv_exports_are_text_and_only_where_they_exist(openapi):
    paths = openapi["paths"]
    contacts = paths["/api/v1/engagement/contacts/"]["get"]["responses"]["200"]["content"]
    assert contacts["text/csv"]["schema"]["type"] == "string"
    history = paths["/api/v1/engagement/contacts/{contact_id}/history/"]["get"]
    assert {p["name"] for p in history["parameters"]} == {"contact_id", "format"}
    save = paths["/api/v1/engagement/lapsed/save/"]["post"]
    assert "format" not in {p["name"] for p in save.get("parameters", [])}
    assert set(save["responses"]["201"]["content"]) == {"application/json"}
