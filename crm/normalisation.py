"""Normal forms of names and free text, so matching does not depend on case, quotes or script.

Two keys are kept:
- ``organisation_name_key`` decides whether two organisation names are the same name
  (case, quotes, « », runs of spaces ignored); it backs a unique constraint.
- ``search_key`` folds text from any script (Kazakh and Russian Cyrillic, Latin) into one
  lower-case ASCII spelling, so "Айгерим Касымова", "Aigerim Kassymova" and
  "Aygerim Kasymova" all fold to the same key. Stored keys and queries go through the same
  function, so over-folding only ever widens a search, it never loses a match.
"""

import re
import unicodedata

from anyascii import anyascii

_QUOTES = "\"'«»„“”‘’‚‹›`ʼ"
_QUOTE_TABLE = str.maketrans("", "", _QUOTES)
# Hyphens and dashes read as spaces: "Green-Almaty" and "Green – Almaty" are one name.
_DASH_TABLE = str.maketrans(dict.fromkeys("-‐‑‒–—―", " "))
_SPACES = re.compile(r"\s+")

# Spelling variants of the same Cyrillic sound in common romanisations (BGN/PCGN, passport,
# Kazakh Latin 2021). Order matters: longer sequences first.
_FOLDS = (
    ("shch", "sh"),
    ("sch", "sh"),
    ("dzh", "j"),
    ("zh", "j"),
    ("dj", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("ck", "k"),
    ("ph", "f"),
    ("ts", "c"),
    ("tz", "c"),
    ("ye", "e"),
    ("yo", "e"),
    ("q", "k"),
    ("w", "v"),
    ("x", "ks"),
    ("y", "i"),
)
_DOUBLE_LETTERS = re.compile(r"([a-z])\1+")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def _plain_text(text: str) -> str:
    """NFKC-normalised text without invisible format characters (zero-width spaces, BOMs),
    so that look-alike spellings pasted from different sources compare equal."""
    composed = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in composed if unicodedata.category(ch) != "Cf")


def organisation_name_key(name: str) -> str:
    """The form under which two organisation names count as the same name: case, quotes,
    dashes, spacing, invisible characters and trailing punctuation do not count."""
    text = _plain_text(name).translate(_QUOTE_TABLE).translate(_DASH_TABLE)
    return _SPACES.sub(" ", text).strip().rstrip(".,;:").strip().casefold()


def clean_spaces(text: str) -> str:
    """Normalise, drop invisible characters, trim and collapse runs of whitespace (names
    pasted from spreadsheets and messengers)."""
    return _SPACES.sub(" ", _plain_text(text)).strip()


def search_key(*parts: str) -> str:
    """Fold names from any script into one ASCII spelling for script-independent search."""
    text = anyascii(_plain_text(" ".join(p for p in parts if p))).lower()
    for variant, folded in _FOLDS:
        text = text.replace(variant, folded)
    text = _DOUBLE_LETTERS.sub(r"\1", text)
    return _SPACES.sub(" ", _NON_WORD.sub(" ", text)).strip()


# A name, an organisation and a city are a handful of words; past this many the rest are
# ignored (each word is one more condition in the query, and a thousand of them exceed what
# the database will parse).
MAX_SEARCH_TERMS = 12


def search_terms(query: str) -> list[str]:
    """The folded words of a search query (the first MAX_SEARCH_TERMS); every one must
    match."""
    return [term for term in search_key(query[:2000]).split(" ") if term][:MAX_SEARCH_TERMS]
