"""Every uploaded file is hostile until shown otherwise: polyglots, archive bombs and
renamed pages are refused, and accepted documents reach only signed-in users who may read
them, as downloads that a browser never renders as a page of ours."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from crm.documents import validate_document_file
from crm.models import ForumDocument
from crm.services.forums import forum_document_create
from tests.documents import docx_bytes, pdf_bytes, png_bytes, upload
from tests.factories import ForumFactory, UserFactory

PAGE = b"<html><body><script>alert(document.cookie)</script></body></html>"


def refused(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as error:
        validate_document_file(upload(name, content))
    return " ".join(error.value.messages)


@pytest.mark.parametrize(
    ("name", "content"),
    [("programme.pdf", pdf_bytes()), ("photo.png", png_bytes()), ("protocol.docx", docx_bytes())],
)
def test_real_documents_are_accepted(name, content):
    validate_document_file(upload(name, content))


def test_a_pdf_header_before_a_web_page_is_refused():
    assert "web page" in refused("protocol.pdf", b"%PDF-1.4\n" + PAGE)


def test_a_pdf_header_before_garbage_is_refused():
    assert "not a readable PDF" in refused("protocol.pdf", b"%PDF-1.7\n" + b"x" * 5000)


def test_a_png_signature_before_a_web_page_is_refused():
    assert "web page" in refused("photo.png", b"\x89PNG\r\n\x1a\n" + PAGE)


def test_a_png_signature_before_garbage_is_refused():
    assert "not a readable PNG" in refused("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 5000)


def test_a_page_far_enough_in_to_escape_sniffing_still_needs_a_readable_file():
    assert "not a readable PDF" in refused("protocol.pdf", b"%PDF-1.4\n" + b" " * 2000 + PAGE)


def test_an_image_renamed_as_another_kind_is_refused():
    assert "not a JPG" in refused("photo.jpg", png_bytes())


def test_a_zip_bomb_named_docx_is_refused():
    bomb = docx_bytes({"word/media/zeros.bin": b"\0" * (300 * 2**20)})
    assert len(bomb) < 2 * 2**20  # a small upload...
    assert "unpacks to far more" in refused("protocol.docx", bomb)  # ...of 300 MB


def test_a_highly_compressed_part_is_refused_even_below_the_total_limit():
    packed = docx_bytes({"word/media/zeros.bin": b"\0" * (50 * 2**20)})
    assert "unpacks to far more" in refused("protocol.docx", packed)


def test_any_zip_is_not_a_docx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("notes.txt", "a plain archive, not an office document")
    assert "not a readable DOCX" in refused("protocol.docx", out.getvalue())


def test_a_renamed_executable_is_refused():
    assert "not a PDF" in refused("protocol.pdf", b"MZ\x90\x00" + b"\0" * 100)


@pytest.fixture
def stored(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    forum = ForumFactory()
    document = forum_document_create(
        forum=forum, kind="programme", file=upload("programme.pdf", pdf_bytes())
    )
    return document


def test_a_document_downloads_for_a_reader_as_an_attachment(stored, viewer_client):
    response = viewer_client.get(stored.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == stored.file.open("rb").read()


def test_documents_are_not_for_anonymous_visitors_or_users_without_a_role(stored):
    assert Client().get(stored.file.url).status_code == 302  # to the sign-in page
    nobody = Client()
    nobody.force_login(UserFactory(username="nobody", groups=[]))
    assert nobody.get(stored.file.url).status_code == 403


def test_only_files_that_belong_to_a_document_are_served(stored, viewer_client, settings):
    (settings.MEDIA_ROOT / "secret.txt").write_text("not a document")
    assert viewer_client.get("/files/secret.txt").status_code == 404
    assert viewer_client.get("/files/../../etc/passwd").status_code == 404


def test_the_api_links_to_the_guarded_download(stored, viewer_api):
    body = viewer_api.get(f"/api/v1/forum-documents/{stored.pk}/").json()
    assert "/files/forums/" in body["link"]
    assert "/media/" not in body["link"]


def test_behind_nginx_the_web_server_sends_the_bytes(stored, viewer_client, settings):
    settings.DOCUMENTS_ACCEL_REDIRECT = "/protected-files/"
    response = viewer_client.get(stored.file.url)
    assert response["X-Accel-Redirect"] == f"/protected-files/{stored.file.name}"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content == b""


def test_behind_nginx_a_cyrillic_file_name_is_a_uri_nginx_can_read(
    db, settings, tmp_path, viewer_client
):
    """Found in review: the raw name went into the header MIME-encoded, which nginx cannot
    resolve, so no Russian- or Kazakh-named document could be downloaded."""
    from urllib.parse import unquote

    settings.MEDIA_ROOT = tmp_path
    settings.DOCUMENTS_ACCEL_REDIRECT = "/protected-files/"
    document = forum_document_create(
        forum=ForumFactory(), kind="protocol", file=upload("Протокол форума.pdf", pdf_bytes())
    )
    response = viewer_client.get(document.file.url)
    target = response["X-Accel-Redirect"]
    assert target.isascii()
    assert unquote(target) == f"/protected-files/{document.file.name}"
    assert "Протокол" in unquote(target)
    assert "filename*=utf-8''" in response["Content-Disposition"]


def test_a_refused_upload_through_the_api_stores_nothing(db, coordinator_api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    forum = ForumFactory()
    response = coordinator_api.post(
        "/api/v1/forum-documents/",
        {"forum": forum.pk, "kind": "programme", "file": upload("x.pdf", b"%PDF-1.4\n" + PAGE)},
        format="multipart",
    )
    assert response.status_code == 400
    assert "web page" in str(response.json())
    assert not ForumDocument.objects.exists()
    assert not any(tmp_path.rglob("*.pdf"))


def test_any_page_markup_near_the_start_is_refused():
    """Found by a probe: the first list of tags missed <img onerror=…> and <title>."""
    assert "web page" in refused(
        "protocol.pdf", b"%PDF-1.4\n<img src=x onerror=alert(1)><title>x</title>"
    )
    assert "web page" in refused("protocol.pdf", b"%PDF-1.4\n<!-- x --><a href=//evil>x</a>")


def understated(archive: bytes, name: str, claimed: int) -> bytes:
    """The archive with one part's declared size changed, in both of its headers."""
    data = bytearray(archive)
    info = zipfile.ZipFile(io.BytesIO(archive)).getinfo(name)
    data[info.header_offset + 22 : info.header_offset + 26] = claimed.to_bytes(4, "little")
    central = data.find(b"PK\x01\x02")
    while central != -1:
        length = int.from_bytes(data[central + 28 : central + 30], "little")
        if data[central + 46 : central + 46 + length] == name.encode():
            data[central + 24 : central + 28] = claimed.to_bytes(4, "little")
            break
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def test_an_archive_that_understates_its_parts_is_refused():
    """Found by a probe: the size checks trusted the sizes an archive declares."""
    honest = docx_bytes({"word/media/zeros.bin": b"\0" * (40 * 2**20)})
    lying = understated(honest, "word/media/zeros.bin", 1000)
    assert "not a readable DOCX" in refused("protocol.docx", lying)


def test_an_integration_downloads_with_its_api_token(stored, viewer):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=viewer)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get(stored.file.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    wrong = Client(HTTP_AUTHORIZATION="Token not-a-real-token").get(stored.file.url)
    assert wrong.status_code == 401


def test_an_image_claiming_billions_of_pixels_is_refused_not_a_server_error():
    """Found in review: Pillow refuses such a header with its own exception, which was not
    caught (a 500)."""
    import struct
    import zlib

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")
    assert "too large" in refused("photo.png", bomb)


def test_a_pdf_whose_trailer_breaks_the_parser_is_refused_not_a_server_error():
    broken = pdf_bytes().replace(b"trailer\n", b"trailer\n/X ")
    assert "not a readable PDF" in refused("protocol.pdf", broken)


def test_a_truncated_photograph_is_refused():
    from PIL import Image

    out = io.BytesIO()
    Image.effect_noise((200, 200), 64).convert("RGB").save(out, format="JPEG")
    half = out.getvalue()[: len(out.getvalue()) // 2]
    assert "not a readable JPG" in refused("photo.jpg", half)


def test_short_tags_in_a_photographs_bytes_are_not_taken_for_a_page():
    """Found in review: short tags such as <a > or <b> matched by chance in about one image's
    bytes in a few hundred. Only printable stretches are searched now."""
    from PIL import Image

    def photo(comment: bytes) -> bytes:
        out = io.BytesIO()
        Image.new("RGB", (8, 8), (200, 10, 10)).save(out, format="JPEG", comment=comment)
        return out.getvalue()

    validate_document_file(upload("photo.jpg", photo(b"\x00\x9f<b>\x01\xfe<a \x02")))
    assert "web page" in refused("photo.jpg", photo(b"<b onmouseover=alert(1)>hello</b>"))
