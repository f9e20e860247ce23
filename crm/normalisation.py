"""Normal forms of names and free text, so matching does not depend on case or quotes.

``organisation_name_key`` decides whether two organisation names are the same name (case,
quotes, « », runs of spaces ignored); it backs a unique constraint. The script-independent
key that name searches use is ``core.names.search_key``.
"""

import re

from core.names import plain_text

_QUOTES = "\"'«»„“”‘’‚‹›`ʼ"
_QUOTE_TABLE = str.maketrans("", "", _QUOTES)
# Hyphens and dashes read as spaces: "Green-Almaty" and "Green – Almaty" are one name.
_DASH_TABLE = str.maketrans(dict.fromkeys("-‐‑‒–—―", " "))
_SPACES = re.compile(r"\s+")


def organisation_name_key(name: str) -> str:
    """The form under which two organisation names count as the same name: case, quotes,
    dashes, spacing, invisible characters and trailing punctuation do not count."""
    text = plain_text(name).translate(_QUOTE_TABLE).translate(_DASH_TABLE)
    return _SPACES.sub(" ", text).strip().rstrip(".,;:").strip().casefold()


def clean_spaces(text: str) -> str:
    """Normalise, drop invisible characters, trim and collapse runs of whitespace (names
    pasted from spreadsheets and messengers)."""
    return _SPACES.sub(" ", plain_text(text)).strip()
