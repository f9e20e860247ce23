"""One SMTP transaction in three steps: the envelope, the content, and its last line.

``smtplib.SMTP.sendmail`` does all at once. The sender needs the moment the server accepts
a message (its reply to the line that ends the content) apart from the rest, so that sender
threads can take turns for that moment alone (see ``outreach.services.sending``). Replies
are handled as ``sendmail`` handles them and raise the same exceptions, with one more:
``NoReplyToEnd``, when the session broke after the last line went out.
"""

import contextlib
import re
import smtplib
import socket

from .mime import Serialised

_LEADING_DOT = re.compile(rb"(?m)^\.")


class NoReplyToEnd(smtplib.SMTPServerDisconnected):
    """The session broke after the message's last line was sent: the server may have
    accepted the message (RFC 1047). Seen from here it is the instant a killed worker
    leaves behind, and it is handled the same way: sent again later, same Message-ID."""


def _after_refusal(smtp: smtplib.SMTP, code: int) -> None:
    """Leave the session ready for the next message, or closed if the server ends it."""
    if code == 421:  # the server is closing the session
        smtp.close()
        return
    with contextlib.suppress(smtplib.SMTPServerDisconnected):
        smtp.rset()


def envelope_send(smtp: smtplib.SMTP, message: Serialised) -> None:
    """MAIL FROM and RCPT TO. The addresses are bare (``outreach.mime`` gives them so),
    which spares smtplib's parsing of each."""
    smtp.ehlo_or_helo_if_needed()
    options = ""
    if smtp.does_esmtp and smtp.has_extn("size"):
        options += f" SIZE={len(message.data)}"
    if message.eight_bit and smtp.has_extn("8bitmime"):
        options += " BODY=8BITMIME"  # RFC 6152: say so when the server listens for it
    code, reply = smtp.docmd("mail", f"FROM:<{message.sender}>{options}")
    if code != 250:
        _after_refusal(smtp, code)
        raise smtplib.SMTPSenderRefused(code, reply, message.sender)
    refused = {}
    for recipient in message.recipients:
        code, reply = smtp.docmd("rcpt", f"TO:<{recipient}>")
        if code not in (250, 251):
            refused[recipient] = (code, reply)
        if code == 421:
            smtp.close()
            raise smtplib.SMTPRecipientsRefused(refused)
    # As sendmail: refused only if every recipient was (outbox messages have one).
    if len(refused) == len(message.recipients):
        _after_refusal(smtp, min(code for code, _reply in refused.values()))
        raise smtplib.SMTPRecipientsRefused(refused)


def content_send(smtp: smtplib.SMTP, data: bytes) -> None:
    """DATA and the message, all but the line that ends it: the server cannot accept the
    message yet, and drops it if the session closes now."""
    smtp.putcmd("data")
    code, reply = smtp.getreply()
    if code != 354:
        _after_refusal(smtp, code)
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
    try:
        code, reply = smtp.getreply()
    except OSError as error:  # smtplib's exceptions, a timeout, a reset
        smtp.close()
        raise NoReplyToEnd(f"no reply after the end of the message: {error}") from error
    if code != 250:
        _after_refusal(smtp, code)
        raise smtplib.SMTPDataError(code, reply)


def content_abandon(smtp: smtplib.SMTP) -> None:
    """Close the session before the last line: the server discards the message."""
    smtp.close()
