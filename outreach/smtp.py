"""One SMTP transaction in three steps: the envelope, the content, and its last line.

``smtplib.SMTP.sendmail`` does all at once. The sender needs the moment the server accepts
a message (its reply to the line that ends the content) apart from the rest, so that sender
threads can take turns for that moment alone (see ``outreach.services.sending``). Replies
are handled as ``sendmail`` handles them, and raise the same exceptions.
"""

import contextlib
import re
import smtplib
import socket

_LEADING_DOT = re.compile(rb"(?m)^\.")


def _reset(smtp: smtplib.SMTP, code: int) -> None:
    if code == 421:  # the server is closing the session
        smtp.close()
        return
    with contextlib.suppress(smtplib.SMTPServerDisconnected):
        smtp.rset()


def envelope_send(smtp: smtplib.SMTP, sender: str, recipients: list[str], size: int) -> dict:
    """MAIL FROM and RCPT TO, for bare addresses (``outreach.mime`` gives them so; smtplib
    would parse each again). Returns the refused recipients, if only some were refused."""
    smtp.ehlo_or_helo_if_needed()
    size_option = f" SIZE={size}" if smtp.does_esmtp and smtp.has_extn("size") else ""
    code, reply = smtp.docmd("mail", f"FROM:<{sender}>{size_option}")
    if code != 250:
        _reset(smtp, code)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused = {}
    for recipient in recipients:
        code, reply = smtp.docmd("rcpt", f"TO:<{recipient}>")
        if code not in (250, 251):
            refused[recipient] = (code, reply)
        if code == 421:
            smtp.close()
            raise smtplib.SMTPRecipientsRefused(refused)
    if len(refused) == len(recipients):
        _reset(smtp, 0)
        raise smtplib.SMTPRecipientsRefused(refused)
    return refused


def content_send(smtp: smtplib.SMTP, data: bytes) -> None:
    """DATA and the message, all but the line that ends it: the server cannot accept the
    message yet."""
    smtp.putcmd("data")
    code, reply = smtp.getreply()
    if code != 354:
        _reset(smtp, code)
        raise smtplib.SMTPDataError(code, reply)
    # The last line goes in a packet of its own: without this, Nagle's algorithm holds it
    # back until the server acknowledges the content (a delayed ACK: 40 ms a message).
    smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    # A line starting with a dot gets a second one (RFC 5321 4.5.2), as smtplib does.
    body = _LEADING_DOT.sub(b"..", data)
    smtp.send(body if body.endswith(b"\r\n") else body + b"\r\n")


def content_end(smtp: smtplib.SMTP) -> None:
    """The line that ends the message: when this returns, the server has accepted it."""
    smtp.send(b".\r\n")
    code, reply = smtp.getreply()
    if code != 250:
        _reset(smtp, code)
        raise smtplib.SMTPDataError(code, reply)
