"""The API's renderers: JSON encoded by orjson, and the browsable API fitted to the product's
Content-Security-Policy."""

import orjson
from csp.constants import SELF, UNSAFE_INLINE
from rest_framework import renderers
from rest_framework.renderers import BrowsableAPIRenderer

# What orjson leaves to REST framework's encoder, so that those values read as before:
# datetimes (milliseconds, "Z" for UTC), lazy translations, Decimals as the settings say.
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
# U+2028 and U+2029 are valid in JSON but end a line in JavaScript; REST framework escapes
# them so that an answer is always a strict JavaScript subset, and so do we.
_LINE_SEPARATORS = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


class JSONRenderer(renderers.JSONRenderer):
    """REST framework's JSON renderer, writing compact answers with orjson: the same JSON
    several times faster, which is most of what a long list costs once its rows are read.

    Indented JSON (``Accept: application/json; indent=4``, the browsable API) and anything
    orjson refuses (an integer past 64 bits) go through REST framework's own encoder, as
    before. What differs: orjson writes the exponent of very small floats without padding
    (1e-7, not 1e-07), and NaN or infinity as null where REST framework's strict encoder
    failed with a 500.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        if indent is not None or self.ensure_ascii or not self.compact:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            content = orjson.dumps(
                data, default=self.encoder_class().default, option=_ORJSON_OPTIONS
            )
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        for separator, escaped in _LINE_SEPARATORS:
            if separator in content:
                content = content.replace(separator, escaped)
        return content


class PolicyBrowsableAPIRenderer(BrowsableAPIRenderer):
    """REST framework's HTML pages set some layout with style attributes and a highlighted
    code style element; those pages (and only they) may use inline styles. Scripts stay
    limited to our own files: styles cannot run code."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response._csp_update = {"style-src": [SELF, UNSAFE_INLINE]}
        return super().render(data, accepted_media_type, renderer_context)
