"""The API's JSON parser: valid Unicode text, nested no deeper than any real payload."""

import re

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# JSON allows "\ud800" escapes that decode to lone surrogates: no real text contains one,
# and echoing one back in an error message cannot even be encoded as UTF-8.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# The deepest payload the API takes is an object holding a list of objects (a template's
# translations, an audience); 32 levels leave room for any integration and stop a
# thousand nested brackets long before they cost a stack.
MAX_DEPTH = 32
_TOO_DEEP = f"JSON parse error - nested deeper than {MAX_DEPTH} levels."


def _check(data) -> None:
    """Walk the parsed value without recursion: its depth is what is being checked."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if _LONE_SURROGATE.search(value):
                raise ParseError("JSON parse error - the text contains an unpaired surrogate.")
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise ParseError(_TOO_DEEP)
        children = value.items() if isinstance(value, dict) else ((None, v) for v in value)
        for key, child in children:
            if key is not None:
                pending.append((key, depth + 1))
            pending.append((child, depth + 1))


class StrictJSONParser(JSONParser):
    """JSON that is also valid Unicode text and not absurdly nested; anything else is a 400,
    not a 500 later."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            # The standard library's decoder recurses once per bracket.
            raise ParseError(_TOO_DEEP) from error
        _check(data)
        return data
