"""The SMTP transaction in three steps, against a real server on loopback."""

import smtplib
import time

import pytest
from django.core.mail import EmailMultiAlternatives

from outreach.mime import message_serialise
from outreach.smtp import (
    NoReplyToEnd,
    content_abandon,
    content_end,
    content_send,
    envelope_send,
)
from tests.smtp_server import SMTPSink


@pytest.fixture
def sink():
    with SMTPSink() as server:
        yield server


@pytest.fixture
def session(sink):
    smtp = smtplib.SMTP("127.0.0.1", sink.port, timeout=5)
    yield smtp
    smtp.close()


def serialised(to="ivan@example.org", body="Спасибо!\n.hidden line\n..and two dots\nend"):
    message = EmailMultiAlternatives(
        subject="Спасибо",
        body=body,
        from_email="Civicnet <noreply@example.org>",
        to=[to],
        headers={"Message-ID": f"<{to}.{time.monotonic_ns()}@example.org>"},
    )
    return message_serialise(message)


def send(smtp, message):
    envelope_send(smtp, message)
    content_send(smtp, message.data)
    content_end(smtp)


def test_a_message_arrives_whole_with_its_dotted_lines_and_8bit_declared(sink, session):
    send(session, serialised())
    assert sink.handler.deliveries == 1
    received = sink.handler.messages[0]
    text = received.get_payload(decode=True).decode()
    assert text.replace("\r\n", "\n") == "Спасибо!\n.hidden line\n..and two dots\nend\n"
    assert "BODY=8BITMIME" in sink.handler.mail_options[0]


def test_a_refused_recipient_leaves_the_session_ready_for_the_next_message(sink, session):
    sink.handler.refuse.add("gone@example.org")
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(session, serialised(to="gone@example.org"))
    send(session, serialised(to="ivan@example.org"))
    assert sink.handler.deliveries == 1
    assert sink.handler.sessions == 1


def test_refused_content_fails_that_message_and_keeps_the_session(sink, session):
    sink.handler.reject_content.add("spam@example.org")
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(session, serialised(to="spam@example.org"))
    assert refused.value.smtp_code == 554
    send(session, serialised(to="ivan@example.org"))
    assert sink.handler.deliveries == 1
    assert sink.handler.sessions == 1


def test_a_421_ends_the_session(sink, session):
    sink.handler.temporary_until = time.monotonic() + 60
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(session, serialised())
    assert refused.value.smtp_code == 421
    assert session.sock is None


def test_a_reply_lost_after_the_last_line_is_reported_as_an_unknown_outcome(sink, session):
    sink.handler.drop_after_content = True
    with pytest.raises(NoReplyToEnd):
        send(session, serialised())
    # The server did take it: the outcome really is unknown to the sender.
    assert sink.handler.deliveries == 1
    assert session.sock is None


def test_a_message_abandoned_before_its_last_line_is_not_delivered(sink, session):
    message = serialised()
    envelope_send(session, message)
    content_send(session, message.data)
    content_abandon(session)
    assert session.sock is None
    time.sleep(0.3)
    assert sink.handler.deliveries == 0
