"""What a forum document may be: a PDF, an office document or an image, checked by content.

The extension alone proves nothing (an HTML page renamed to .pdf would be served back to
coordinators from our own domain), so the first bytes must match the kind the name claims.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# extension -> the signatures its content may start with
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    # Office Open XML and OpenDocument files are ZIP archives; legacy Office files are OLE2.
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".ppt": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}


def validate_document_file(file) -> None:
    if not file:
        return
    limit = settings.FORUM_DOCUMENT_MAX_BYTES
    if file.size > limit:
        raise ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": limit // 2**20})
    name = file.name.lower()
    extension = next((ext for ext in SIGNATURES if name.endswith(ext)), None)
    if extension is None:
        raise ValidationError(
            _("Upload a PDF, office document or image (%(types)s).")
            % {"types": ", ".join(SIGNATURES)}
        )
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(16)
    file.seek(position)
    if not head.startswith(SIGNATURES[extension]):
        raise ValidationError(
            _("The file's content is not a %(kind)s document.") % {"kind": extension[1:].upper()}
        )
