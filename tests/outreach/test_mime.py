"""The fast serialisation reads, to a mail client, exactly like Django's own."""

import email
from email import policy

import pytest
from django.core.mail import EmailMultiAlternatives

from outreach.mime import FOLD_AT, LINE_LIMIT, message_serialise

UNSUBSCRIBE = (
    "<https://civic.example.org/u/eyJjIjoxLCJwIjoiZm9ydW1fdXBkYXRlcyIsIm0iOjYwMDF9:1xWnBP:"
    "Vg62xcmqnBxy8OaMIjACFlCigXr13iVkDT3VZg4LqqQ/>, <mailto:unsubscribe@civic.example.org"
    "?subject=unsubscribe%20eyJjIjoxLCJwIjoiZm9ydW1fdXBkYXRlcyIsIm0iOjYwMDF9>"
)


def message(subject="Thank you", body="Hello", html=None, to="aigerim@example.org", **extra):
    headers = {
        "Message-ID": "<0f3c@civic.example.org>",
        "List-Unsubscribe": UNSUBSCRIBE,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        **extra.pop("headers", {}),
    }
    built = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=extra.pop("from_email", "Civicnet <noreply@civic.example.org>"),
        to=[to],
        headers=headers,
        **extra,
    )
    if html is not None:
        built.attach_alternative(html, "text/html")
    return built


def as_read(data: bytes):
    return email.message_from_bytes(data, policy=policy.default)


def text(part) -> str:
    return part.get_content().replace("\r\n", "\n").rstrip("\n")


CASES = {
    "plain ascii": message(),
    "russian subject, html": message(
        subject="Спасибо, Айгерим! Форум «Алматы — доступный и инклюзивный город» прошёл",
        body="Форум прошёл 30 апреля 2019 года.\nОтписаться: https://civic.example.org/u/x/",
        html="<p>Спасибо, Айгерим!</p>\n<p><a href='https://civic.example.org/u/x/'>Отписка</a>",
    ),
    "kazakh and emoji": message(
        subject="Рақмет, Әсем! 🎉 Жұмыс тобына шақыру: қала брендін дамыту тобы",
        body="Құрметті Әсем,\r\nсізді жұмыс тобына шақырамыз 🎉\rКелесі жол\n",
        html="<p>Құрметті Әсем</p>",
    ),
    "long ascii subject": message(
        subject=" ".join(["Almaty accessible and inclusive city forum follow-up"] * 4),
        html="<p>hi</p>",
    ),
    "dots and From lines": message(
        body=".\n.hidden line\nFrom the organisers\n..two dots\nend.", html=".<b>x</b>\n."
    ),
    "empty html and unicode only": message(subject="Ёё", body="Ёё", html=""),
}


@pytest.mark.parametrize("name", CASES)
def test_the_fast_serialisation_reads_like_djangos(name):
    built = CASES[name]
    fast = message_serialise(built)
    assert fast is not None
    ours, djangos = as_read(fast.data), as_read(built.message().as_bytes(linesep="\r\n"))
    # Django's folding leaves a leading space in a long encoded subject; ours reads exactly.
    assert str(ours["Subject"]) == built.subject == str(djangos["Subject"]).lstrip()
    for header in ("From", "To", "Message-ID", "List-Unsubscribe-Post"):
        assert str(ours[header]) == str(djangos[header]), header
    assert " ".join(ours["List-Unsubscribe"].split()) == " ".join(
        djangos["List-Unsubscribe"].split()
    )
    assert ours.get_content_type() == djangos.get_content_type()
    for kind in ("plain", "html"):
        mine, theirs = ours.get_body((kind,)), djangos.get_body((kind,))
        assert (mine is None) == (theirs is None), kind
        if mine is not None:
            assert text(mine) == text(theirs), kind
            assert mine.get_content_charset() == "utf-8"
    assert ours.defects == []
    assert all(part.defects == [] for part in ours.walk())
    # Lines end in CRLF, are folded near 78 columns and never pass SMTP's limit.
    lines = fast.data.split(b"\r\n")
    assert b"\n" not in fast.data.replace(b"\r\n", b"")
    assert all(len(line) <= LINE_LIMIT for line in lines)
    head = fast.data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    # A longer line is one that cannot be folded: one word, after the name if first.
    unfoldable = [line.split(b": ", 1)[-1] if line[:1] != b" " else line for line in head]
    assert all(
        len(line) <= FOLD_AT or b" " not in rest.strip()
        for line, rest in zip(head, unfoldable, strict=False)
    )


def test_the_envelope_holds_bare_addresses():
    fast = message_serialise(message(to="ivan.petrov+forum@mail.example.kz"))
    assert fast.sender == "noreply@civic.example.org"
    assert fast.recipients == ["ivan.petrov+forum@mail.example.kz"]
    assert b"\r\nFrom: Civicnet <noreply@civic.example.org>\r\n" in fast.data


@pytest.mark.parametrize(
    "unusual",
    [
        message(cc=["x@example.org"]),
        message(reply_to=["x@example.org"]),
        message(to="Айгерим <aigerim@example.org>"),
        message(to="aigerim@пример.kz"),
        message(to='"odd person"@example.org'),
        message(body="x" * 1200),
        message(html="<p>" + "y" * 1200 + "</p>"),
        message(headers={"X-Note": "заметка"}),
        message(headers={"X-Token": "z" * 1200}),
        message(subject="two\nlines"),
        message(attachments=[("a.txt", "text", "text/plain")]),
    ],
)
def test_unusual_messages_are_left_to_django(unusual):
    assert message_serialise(unusual) is None


def test_a_message_without_its_own_message_id_is_left_to_django():
    built = message()
    del built.extra_headers["Message-ID"]
    assert message_serialise(built) is None
