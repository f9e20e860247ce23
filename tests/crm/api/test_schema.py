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
