"""The browsable API, fitted to the product's Content-Security-Policy."""

from csp.constants import SELF, UNSAFE_INLINE
from rest_framework.renderers import BrowsableAPIRenderer


class PolicyBrowsableAPIRenderer(BrowsableAPIRenderer):
    """REST framework's HTML pages set some layout with style attributes and a highlighted
    code style element; those pages (and only they) may use inline styles. Scripts stay
    limited to our own files: styles cannot run code."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response._csp_update = {"style-src": [SELF, UNSAFE_INLINE]}
        return super().render(data, accepted_media_type, renderer_context)
