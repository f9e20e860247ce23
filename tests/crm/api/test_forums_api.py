import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from crm.models import ForumDocument
from tests.documents import pdf_bytes
from tests.factories import (
    ForumFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db


def test_forum_with_partners_is_created_and_partners_replaced(coordinator_api):
    bc = OrganisationFactory(name="British Council", sector="international")
    kbtu = OrganisationFactory(name="KBTU", sector="academia")
    programme = ProgrammeFactory(name="WeAlmaty")
    response = coordinator_api.post(
        "/api/v1/forums/",
        {
            "programme": programme.pk,
            "number": 1,
            "title": "Promoting a Culture of Civic Engagement",
            "kind": "forum",
            "date": "2017-09-22",
            "start_time": "10:00",
            "end_time": "17:00",
            "city": "Almaty",
            "venue": "KBTU",
            "capacity": 120,
            "partners": [
                {"organisation": bc.pk, "role": "host"},
                {"organisation": kbtu.pk, "role": "venue"},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert {(p["organisation_name"], p["role"]) for p in body["partners"]} == {
        ("British Council", "host"),
        ("KBTU", "venue"),
    }
    url = f"/api/v1/forums/{body['id']}/"
    patched = coordinator_api.patch(
        url, {"partners": [{"organisation": kbtu.pk, "role": "partner"}]}, format="json"
    )
    assert patched.status_code == 200, patched.content
    assert [(p["organisation"], p["role"]) for p in patched.json()["partners"]] == [
        (kbtu.pk, "partner")
    ]
    # A patch without partners leaves them alone.
    coordinator_api.patch(url, {"outcome": "A working group."}, format="json")
    assert len(coordinator_api.get(url).json()["partners"]) == 1


def test_forum_times_must_be_in_order(coordinator_api):
    response = coordinator_api.post(
        "/api/v1/forums/",
        {"title": "Backwards", "date": "2020-01-01", "start_time": "18:00", "end_time": "13:00"},
    )
    assert response.status_code == 400
    assert "end time must be after" in str(response.json())


def test_forum_number_is_unique_in_its_programme(coordinator_api):
    forum = ForumFactory(number=7)
    response = coordinator_api.post(
        "/api/v1/forums/",
        {"programme": forum.programme_id, "number": 7, "title": "Again", "date": "2020-01-01"},
    )
    assert response.status_code == 400
    assert "already has a forum with this number" in str(response.json())


def test_forum_list_counts_participations_by_status(coordinator_api):
    forum = ForumFactory()
    for status in ("attended", "attended", "no_show", "invited"):
        ParticipationFactory(forum=forum, status=status)
    body = coordinator_api.get(f"/api/v1/forums/{forum.pk}/").json()
    assert body["participation_counts"] == {"attended": 2, "no_show": 1, "invited": 1}


def test_forum_filters(coordinator_api):
    programme = ProgrammeFactory()
    ForumFactory(programme=programme, date="2019-01-24", city="Almaty", kind="forum")
    ForumFactory(programme=programme, date="2019-09-12", city="Nur-Sultan", kind="conference")
    ForumFactory(date="2020-02-29", kind="festival")

    def titles(**params):
        return len(coordinator_api.get("/api/v1/forums/", params).json()["results"])

    assert titles(programme=programme.pk) == 2
    assert titles(kind="conference") == 1
    assert titles(date_from="2019-06-01", date_to="2019-12-31") == 1
    assert titles(city="nur-sultan") == 1


def test_documents_by_url_and_by_upload(coordinator_api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    forum = ForumFactory()
    link = coordinator_api.post(
        "/api/v1/forum-documents/",
        {"forum": forum.pk, "kind": "protocol", "url": "https://example.org/protocol.pdf"},
    )
    assert link.status_code == 201, link.content
    upload = coordinator_api.post(
        "/api/v1/forum-documents/",
        {
            "forum": forum.pk,
            "kind": "programme",
            "title": "Programme",
            "file": SimpleUploadedFile("programme.pdf", pdf_bytes(), "application/pdf"),
        },
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    assert upload.json()["link"].endswith(".pdf")
    documents = coordinator_api.get(f"/api/v1/forums/{forum.pk}/").json()["documents"]
    assert {d["kind"] for d in documents} == {"protocol", "programme"}


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"kind": "programme"}, "either a file or a URL"),
        (
            {
                "kind": "programme",
                "url": "https://example.org/x.pdf",
                "file": SimpleUploadedFile("x.pdf", pdf_bytes()),
            },
            "either a file or a URL",
        ),
        ({"kind": "programme", "file": SimpleUploadedFile("run.exe", b"MZ")}, "PDF"),
        (
            {"kind": "programme", "file": SimpleUploadedFile("page.pdf", b"<html><script>")},
            "content is not a PDF",
        ),
    ],
)
def test_bad_documents_are_refused(coordinator_api, settings, tmp_path, payload, message):
    settings.MEDIA_ROOT = tmp_path
    forum = ForumFactory()
    response = coordinator_api.post(
        "/api/v1/forum-documents/", {"forum": forum.pk, **payload}, format="multipart"
    )
    assert response.status_code == 400
    assert message in str(response.json())
    assert ForumDocument.objects.count() == 0


def test_a_deleted_document_takes_its_file_with_it(
    coordinator_api, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    forum = ForumFactory()
    upload = coordinator_api.post(
        "/api/v1/forum-documents/",
        {"forum": forum.pk, "kind": "protocol", "file": SimpleUploadedFile("p.pdf", pdf_bytes())},
        format="multipart",
    ).json()
    stored = ForumDocument.objects.get(pk=upload["id"]).file.path
    assert (tmp_path / stored).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert coordinator_api.delete(f"/api/v1/forum-documents/{upload['id']}/").status_code == 204
    assert not (tmp_path / stored).exists()
