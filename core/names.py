"""One name search for every place a person or an organisation is looked up by name.

``search_key`` folds text from any script (Kazakh and Russian Cyrillic, Latin) into one
lower-case ASCII spelling, so "Айгерим Касымова", "Aigerim Kassymova" and
"Aygerim Kasymova" all fold to the same key. Stored keys and queries go through the same
function, so over-folding only ever widens a search, it never loses a match. The API's
filters, the pages, the admin and the check-in all search through ``name_search``.
"""

import re
import unicodedata

from anyascii import anyascii
from django.db.models import Q, QuerySet

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

# A name, an organisation and a city are a handful of words; past this many the rest are
# ignored (each word is one more condition in the query, and a thousand of them exceed what
# the database will parse).
MAX_SEARCH_TERMS = 12


def plain_text(text: str) -> str:
    """NFKC-normalised text without invisible format characters (zero-width spaces, BOMs),
    so that look-alike spellings pasted from different sources compare equal."""
    composed = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in composed if unicodedata.category(ch) != "Cf")


def search_key(*parts: str) -> str:
    """Fold names from any script into one ASCII spelling for script-independent search."""
    text = anyascii(plain_text(" ".join(p for p in parts if p))).lower()
    for variant, folded in _FOLDS:
        text = text.replace(variant, folded)
    text = _DOUBLE_LETTERS.sub(r"\1", text)
    return _SPACES.sub(" ", _NON_WORD.sub(" ", text)).strip()


def search_terms(query: str) -> list[str]:
    """The folded words of a search query (the first MAX_SEARCH_TERMS); every one must
    match."""
    return [term for term in search_key(query[:2000]).split(" ") if term][:MAX_SEARCH_TERMS]


def name_search(
    queryset: QuerySet, query: str, *, key: str = "search_key", also: Q | None = None
) -> QuerySet:
    """Rows whose folded name (the ``key`` column, which may span a relation such as
    ``contact__search_key``) holds every folded word of the query, or that match ``also``
    (an e-mail, a website). A query of no words and no ``also`` filters nothing."""
    terms = search_terms(query)
    if not terms and also is None:
        return queryset
    condition = Q(*(Q(**{f"{key}__contains": term}) for term in terms)) if terms else Q(pk__in=[])
    if also is not None:
        condition |= also
    return queryset.filter(condition)
