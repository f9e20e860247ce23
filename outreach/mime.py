"""An outbox message as the bytes an SMTP server receives, written directly.

Django's ``EmailMessage.message()`` builds a MIME tree with the standard library's email
package, whose compat32 generator then folds every header through ``email.header.Header``:
about 0.5 ms of Python per message, half the whole SMTP exchange with a server on
loopback (bench/outreach.py). Outreach messages all have one shape: UTF-8 plain text, an
optional HTML alternative, ASCII headers except perhaps the subject. This module writes
that shape in 0.03 ms (measured on the benchmark's messages). Anything else (attachments,
Cc, non-ASCII addresses or header values, a line too long for SMTP) gives ``None``, and the
sender falls back to Django's own serialisation. tests/outreach/test_mime.py parses both
with the standard library and checks that a mail client would see the same message.
"""

import base64
import re
import uuid
from dataclasses import dataclass
from email.utils import formatdate, parseaddr
from functools import lru_cache

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import sanitize_address

CRLF = "\r\n"
LINE_LIMIT = 998  # RFC 5322 2.1.1: the hard limit, in bytes, without the CRLF
FOLD_AT = 78  # the recommended width; folding happens at spaces
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")
# An address as a plain dot-atom (RFC 5322 3.4.1), the shape nearly every address has:
# written as it is. Anything else (a display name, quotes, a non-ASCII domain) goes to
# Django's sanitize_address.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                            r"@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*")  # fmt: skip
# RFC 2047 allows 75 characters an encoded word; 42 bytes (56 in base64) keep the first
# one, after "Subject: ", within 78 columns.
ENCODED_WORD_BYTES = 42
# Headers this module writes itself: a message that brings its own goes to Django.
WRITTEN_HERE = {
    "from", "to", "cc", "bcc", "reply-to", "date", "subject",
    "mime-version", "content-type", "content-transfer-encoding",
}  # fmt: skip


@dataclass(frozen=True)
class Serialised:
    sender: str  # envelope MAIL FROM: a bare address
    recipients: list[str]  # envelope RCPT TO: bare addresses
    data: bytes  # what follows DATA
    eight_bit: bool = False  # the content has bytes beyond ASCII (RFC 6152 BODY=8BITMIME)


@lru_cache(maxsize=8)
def _sender(value: str) -> tuple[str, str]:
    """(From header, envelope address) for the configured sender, worked out once."""
    header = sanitize_address(value, "utf-8")
    return header, parseaddr(header)[1]


def _single_line_ascii(value: str) -> bool:
    return value.isascii() and "\r" not in value and "\n" not in value


def _fold(name: str, value: str) -> str | None:
    """``Name: value`` folded at spaces to about 78 columns; None if a word is too long."""
    lines, line = [], f"{name}:"
    for word in value.split(" "):
        # Never right after the name (a reader would keep the space that starts the value)
        # nor before an empty word (a continuation line of spaces only is not allowed).
        if len(line) + 1 + len(word) > FOLD_AT and line != f"{name}:" and word:
            lines.append(line)
            line = ""
        line = f"{line} {word}"
        if len(line.encode()) > LINE_LIMIT:
            return None
    lines.append(line)
    return CRLF.join(lines)


def _subject(subject: str) -> str | None:
    if _single_line_ascii(subject):
        return _fold("Subject", subject)
    if "\r" in subject or "\n" in subject:
        return None
    # RFC 2047 encoded words, one a line, each split at a character boundary. A reader
    # joins adjacent encoded words without the space between them (RFC 2047 6.2).
    words, chunk = [], b""
    for character in subject:
        encoded = character.encode()
        if len(chunk) + len(encoded) > ENCODED_WORD_BYTES:
            words.append(chunk)
            chunk = b""
        chunk += encoded
    words.append(chunk)
    lines = (f" =?utf-8?b?{base64.b64encode(word).decode()}?=" for word in words)
    return "Subject:" + CRLF.join(lines)


def _text_part(text: str) -> tuple[str, str] | None:
    """(Content-Transfer-Encoding, body with CRLF line ends), or None for a line too long
    for 8bit (Django would switch to quoted-printable: let it)."""
    lines = _LINE_BREAKS.split(text)
    if any(len(line.encode()) > LINE_LIMIT for line in lines):
        return None
    return ("7bit" if text.isascii() else "8bit"), CRLF.join(lines)


def _boundary(*bodies: str) -> str:
    while True:
        boundary = f"=_civicnet_{uuid.uuid4().hex}"
        if not any(boundary in body for body in bodies):
            return boundary


def message_serialise(message: EmailMessage) -> Serialised | None:
    """The envelope and bytes Django's SMTP backend would send for ``message``, or None
    when the message is not of the simple shape handled here."""
    alternatives = getattr(message, "alternatives", [])
    if (
        message.cc
        or message.bcc
        or message.reply_to
        or message.attachments
        or len(message.to) != 1
        or (message.encoding or settings.DEFAULT_CHARSET).lower() != "utf-8"
        or message.content_subtype != "plain"
        or len(alternatives) > 1
        or any(mimetype != "text/html" for _content, mimetype in alternatives)
        or {name.lower() for name in message.extra_headers} & WRITTEN_HERE
        or "message-id" not in {name.lower() for name in message.extra_headers}
        or not _PLAIN_ADDRESS.fullmatch(message.to[0])
        or not all(
            _single_line_ascii(f"{name}{value}") for name, value in message.extra_headers.items()
        )
    ):
        return None
    subject = _subject(message.subject)
    plain = _text_part(message.body)
    html = _text_part(alternatives[0][0]) if alternatives else ("", "")
    if subject is None or plain is None or html is None:
        return None
    recipient = message.to[0]
    from_header, sender = _sender(message.from_email)
    headers = [
        subject,
        f"From: {from_header}",
        f"To: {recipient}",
        f"Date: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}",
    ]
    for name, value in message.extra_headers.items():
        folded = _fold(name, value)
        if folded is None:
            return None
        headers.append(folded)
    headers.append("MIME-Version: 1.0")
    if alternatives:
        boundary = _boundary(plain[1], html[1])
        content_type = _fold("Content-Type", f'multipart/alternative; boundary="{boundary}"')
        head = [*headers, content_type]
        body = CRLF.join(
            [
                f"--{boundary}",
                'Content-Type: text/plain; charset="utf-8"',
                f"Content-Transfer-Encoding: {plain[0]}",
                "",
                plain[1],
                f"--{boundary}",
                'Content-Type: text/html; charset="utf-8"',
                f"Content-Transfer-Encoding: {html[0]}",
                "",
                html[1],
                f"--{boundary}--",
                "",
            ]
        )
    else:
        head = [
            *headers,
            'Content-Type: text/plain; charset="utf-8"',
            f"Content-Transfer-Encoding: {plain[0]}",
        ]
        body = plain[1] + CRLF
    data = (CRLF.join(head) + CRLF + CRLF + body).encode()
    return Serialised(
        sender=sender, recipients=[recipient], data=data, eight_bit=not data.isascii()
    )
