"""Signed tokens for links that work without a login: unsubscribe and invitation answers.

A token names what it acts on and is signed with SECRET_KEY (so it cannot be forged). An
invitation's answer expires (OUTREACH_INVITATION_MAX_AGE); an unsubscribe link never does:
a withdrawal must always win, and one from an old e-mail is still a withdrawal. A forged or
malformed token, or an expired invitation, answers 404 and changes nothing.
"""

from django.conf import settings
from django.core import signing

UNSUBSCRIBE_SALT = "outreach.unsubscribe"
INVITATION_SALT = "outreach.invitation"


class BadToken(Exception):
    pass


def unsubscribe_token(*, contact_id: int, purpose: str, message_id: int | None) -> str:
    return signing.dumps({"c": contact_id, "p": purpose, "m": message_id}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_read(token: str) -> dict:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as error:
        raise BadToken from error
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        raise BadToken  # signed by us, but not by this code: answer as for a forgery
    if not isinstance(data.get("p"), str):
        raise BadToken
    return data


def invitation_token(*, invitation_id: int, answer: str) -> str:
    return signing.dumps({"i": invitation_id, "a": answer}, salt=INVITATION_SALT)


def invitation_read(token: str) -> dict:
    try:
        data = signing.loads(
            token, salt=INVITATION_SALT, max_age=settings.OUTREACH_INVITATION_MAX_AGE
        )
    except signing.BadSignature as error:  # includes SignatureExpired
        raise BadToken from error
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        raise BadToken
    if data.get("a") not in ("accept", "decline"):
        raise BadToken
    return data
