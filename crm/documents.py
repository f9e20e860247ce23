"""What a forum document may be: a PDF, an office document or an image, checked by content.

Every uploaded file is hostile until shown otherwise. The extension proves nothing, and
neither do the first bytes alone: a file that starts with "%PDF-" or a PNG signature and
carries an HTML page after it would still be a web page to a browser that sniffs it. So
a file must both start as its kind does and be readable as that kind (pypdf opens the PDF,
Pillow decodes the image, an office file is a well-formed archive holding the parts its
kind requires), must not carry markup near its start, and an archive must not unpack to
more than a bounded size (a 2 MB "document" of 2 GB of zeros). Documents are then served
only to signed-in users, as downloads (web.views.documents).
"""

import io
import re
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PDF = (b"%PDF-",)
ZIP = (b"PK\x03\x04",)
OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # legacy Office files
PNG = (b"\x89PNG\r\n\x1a\n",)
JPEG = (b"\xff\xd8\xff",)

# extension -> (signatures its content may start with, the media type it is served as)
KINDS: dict[str, tuple[tuple[bytes, ...], str]] = {
    ".pdf": (PDF, "application/pdf"),
    ".docx": (ZIP, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".xlsx": (ZIP, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".pptx": (ZIP, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ".odt": (ZIP, "application/vnd.oasis.opendocument.text"),
    ".doc": (OLE, "application/msword"),
    ".xls": (OLE, "application/vnd.ms-excel"),
    ".ppt": (OLE, "application/vnd.ms-powerpoint"),
    ".png": (PNG, "image/png"),
    ".jpg": (JPEG, "image/jpeg"),
    ".jpeg": (JPEG, "image/jpeg"),
}
# The part every archive of a kind holds; OpenDocument names its type in "mimetype".
OFFICE_PARTS = {
    ".docx": "word/document.xml",
    ".xlsx": "xl/workbook.xml",
    ".pptx": "ppt/presentation.xml",
}
# What browsers take for a web page when they sniff a file's first bytes (the MIME Sniffing
# Standard's HTML patterns), and the tags an attack page is made of. Not every "<" and a
# letter: a PDF's hex strings (<AB12>) would match that.
MARKUP = re.compile(
    rb"<\s*(!doctype|!--|\?xml|html|head|body|script|iframe|frame|svg|math|object|embed|"
    rb"meta|link|base|style|title|img|image|video|audio|source|a|b|p|br|div|span|font|"
    rb"table|h1|form|input|button|textarea|details|marquee)[\s/>]",
    re.I,
)
SNIFFED_BYTES = 1024
PRINTABLE_RUN = re.compile(rb"[\x20-\x7e\t\r\n]{12,}")
# An office archive may unpack to this much in all and this many times its packed size per
# part (text compresses ten- to twentyfold; a bomb a thousandfold and more).
ARCHIVE_MAX_UNPACKED = 200 * 2**20
ARCHIVE_MAX_RATIO = 100
ARCHIVE_MAX_MEMBERS = 10_000
# A 40-megapixel photograph; decoding one to check it takes about 120 MB for a moment.
IMAGE_MAX_PIXELS = 40_000_000


def document_media_type(name: str) -> str:
    extension = _extension(name)
    return KINDS[extension][1] if extension else "application/octet-stream"


def _extension(name: str) -> str | None:
    name = name.lower()
    return next((ext for ext in KINDS if name.endswith(ext)), None)


def validate_document_file(file) -> None:
    if not file:
        return
    limit = settings.FORUM_DOCUMENT_MAX_BYTES
    if file.size > limit:
        raise ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": limit // 2**20})
    extension = _extension(file.name)
    if extension is None:
        raise ValidationError(
            _("Upload a PDF, office document or image (%(types)s).") % {"types": ", ".join(KINDS)}
        )
    kind = extension[1:].upper()
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        head = file.read(SNIFFED_BYTES)
        if not head.startswith(KINDS[extension][0]):
            raise ValidationError(
                _("The file's content is not a %(kind)s document.") % {"kind": kind}
            )
        if _carries_markup(head):
            raise ValidationError(
                _("The file carries a web page inside a %(kind)s: it cannot be accepted.")
                % {"kind": kind}
            )
        file.seek(0)
        _check_structure(file, extension, kind)
    finally:
        file.seek(position)


def _carries_markup(head: bytes) -> bool:
    """Page markup in the printable stretches of the first bytes. A page that a browser
    would render is text; looking only at runs of printable characters keeps the short tags
    (<a >, <b>) from matching by chance in a photo's or a compressed PDF's bytes."""
    return any(MARKUP.search(run.group()) for run in PRINTABLE_RUN.finditer(head))


def _check_structure(file, extension: str, kind: str) -> None:
    if extension == ".pdf":
        _check_pdf(file)
    elif extension in (".png", ".jpg", ".jpeg"):
        _check_image(file, kind)
    elif KINDS[extension][0] == ZIP:
        _check_archive(file, extension, kind)
    # Legacy OLE files: their binary header cannot be taken for a page; nothing opens them here.


def _check_pdf(file) -> None:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(file.read()), strict=False)
        pages = len(reader.pages)
    # Whatever the parser raises on a file from outside means the same: not a PDF we can
    # read (a malformed trailer raises AttributeError, a page tree loop RecursionError).
    except Exception as error:
        raise ValidationError(_("The file is not a readable PDF.")) from error
    if pages == 0:
        raise ValidationError(_("The PDF has no pages."))


def _check_image(file, kind: str) -> None:
    from PIL import Image, UnidentifiedImageError

    expected = "PNG" if kind == "PNG" else "JPEG"
    too_large = _("The image is too large to be a document's picture.")
    try:
        with Image.open(file) as image:
            if image.format != expected:
                raise ValidationError(
                    _("The file's content is not a %(kind)s document.") % {"kind": kind}
                )
            width, height = image.size
            if width * height > IMAGE_MAX_PIXELS:
                raise ValidationError(too_large)
            image.load()  # decodes every pixel: a truncated or corrupt file fails here
    except Image.DecompressionBombError as error:  # a header claiming billions of pixels
        raise ValidationError(too_large) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("The file is not a readable %(kind)s image.") % {"kind": kind}
        ) from error


def _check_archive(file, extension: str, kind: str) -> None:
    bad = ValidationError(_("The file is not a readable %(kind)s document.") % {"kind": kind})
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise bad from error
    with archive:
        members = archive.infolist()
        if len(members) > ARCHIVE_MAX_MEMBERS:
            raise bad
        # The sizes an archive declares bound what zipfile (and an office program) unpacks:
        # a part that unpacks to more than it declares fails its check instead.
        unpacked = sum(member.file_size for member in members)
        ratio = max(
            (m.file_size / max(m.compress_size, 1) for m in members if m.file_size > 2**20),
            default=0,
        )
        if unpacked > ARCHIVE_MAX_UNPACKED or ratio > ARCHIVE_MAX_RATIO:
            raise ValidationError(
                _("The %(kind)s unpacks to far more than its size (%(mb)d MB): it is refused.")
                % {"kind": kind, "mb": unpacked // 2**20}
            )
        # The declared sizes are what the checks above trust; unpacking every part once,
        # in bounded chunks, proves them (zipfile stops at the declared size and fails the
        # part's CRC when more was packed), so an office program unpacks no more either.
        try:
            corrupt = archive.testzip()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
            raise bad from error
        if corrupt is not None:
            raise bad
        names = {member.filename for member in members}
        if extension == ".odt":
            if "mimetype" not in names:
                raise bad
            with archive.open("mimetype") as part:
                if part.read(100).strip() != KINDS[".odt"][1].encode():
                    raise bad
        elif "[Content_Types].xml" not in names or OFFICE_PARTS[extension] not in names:
            raise bad
