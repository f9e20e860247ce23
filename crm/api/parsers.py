import re

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# JSON allows "\ud800" escapes that decode to lone surrogates: no real text contains one,
# and echoing one back in an error message cannot even be encoded as UTF-8.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_lone_surrogate(value) -> bool:
    if isinstance(value, str):
        return bool(_LONE_SURROGATE.search(value))
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


class StrictJSONParser(JSONParser):
    """JSON that is also valid Unicode text; anything else is a 400, not a 500 later."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if _has_lone_surrogate(data):
            raise ParseError("JSON parse error - the text contains an unpaired surrogate.")
        return data
