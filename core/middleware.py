"""Response headers every page of the product carries."""

from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    """``Cache-Control: private, no-store`` on every page and API answer: nearly all of
    them show someone's name, phone or e-mail, which must not stay in a shared proxy or in
    the browser's cache of a borrowed computer. Static files (served by WhiteNoise above
    this middleware) keep their long caching; a view that sets its own header keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
