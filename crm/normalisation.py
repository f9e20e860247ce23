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

from anyascii import anyascii

_QUOTES = "\"'«»„“”‘’‚‹›`ʼ"
_QUOTE_TABLE = str.maketrans("", "", _QUOTES)
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


def organisation_name_key(name: str) -> str:
    """The form under which two organisation names count as the same name."""
    without_quotes = (name or "").translate(_QUOTE_TABLE)
    return _SPACES.sub(" ", without_quotes).strip().casefold()


def clean_spaces(text: str) -> str:
    """Trim and collapse inner runs of whitespace (names pasted from spreadsheets)."""
    return _SPACES.sub(" ", text or "").strip()


def search_key(*parts: str) -> str:
    """Fold names from any script into one ASCII spelling for script-independent search."""
    text = anyascii(" ".join(p for p in parts if p)).lower()
    for variant, folded in _FOLDS:
        text = text.replace(variant, folded)
    text = _DOUBLE_LETTERS.sub(r"\1", text)
    return _SPACES.sub(" ", _NON_WORD.sub(" ", text)).strip()


def search_terms(query: str) -> list[str]:
    """The folded words of a search query; every one must match."""
    return [term for term in search_key(query).split(" ") if term]
