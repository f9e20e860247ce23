"""What a failed send means: try again later, or never for this row."""

import smtplib


class TemporaryError(Exception):
    """The server said "not now" (4xx) or the connection broke: try again later."""


class PermanentError(Exception):
    """The server refused for good (5xx): do not retry this row."""


def smtp_error_sort(error: Exception) -> TemporaryError | PermanentError:
    """A 5xx answer is permanent; a 4xx, a broken connection or a timeout is temporary."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        if codes and min(codes) >= 500:
            return PermanentError(f"{codes[0]} recipient refused")
        return TemporaryError(f"{codes[0] if codes else '?'} recipient refused")
    if isinstance(error, smtplib.SMTPResponseException):
        text = f"{error.smtp_code} {error.smtp_error!r}"[:900]
        return PermanentError(text) if error.smtp_code >= 500 else TemporaryError(text)
    return TemporaryError(f"{type(error).__name__}: {error}"[:900])


def smtp_session_usable(error: Exception, smtp: smtplib.SMTP | None) -> bool:
    """After a plain refusal (a 550 for one address) the session is ready for the next
    message; after anything else it is gone or in an unknown state."""
    answered = isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)
    return answered and smtp is not None and smtp.sock is not None
