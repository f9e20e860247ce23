"""Uploaded forum documents, served only to signed-in users who may read them, and always
as downloads: a file never opens as a page on our own domain, whatever it contains."""

from functools import wraps
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from rest_framework.authentication import get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, Throttled

from core.api.throttling import GatedTokenAuthentication, auth_failure_record
from crm.documents import document_media_type
from crm.models import ForumDocument
from web.access import page


def token_or_session(view):
    """Also let an integration in with its API token: the API's ``link`` to a document
    leads here. The same pause for wrong tokens applies as in the API."""

    @wraps(view)
    def with_token(request, *args, **kwargs):
        if not request.user.is_authenticated and get_authorization_header(request):
            try:
                found = GatedTokenAuthentication().authenticate(request)
            except (AuthenticationFailed, Throttled) as error:
                if isinstance(error, AuthenticationFailed):
                    auth_failure_record(request)
                response = JsonResponse({"detail": str(error.detail)}, status=error.status_code)
                if isinstance(error, Throttled) and error.wait:
                    response["Retry-After"] = str(int(error.wait))
                return response
            if found is not None:
                request.user = found[0]
        return view(request, *args, **kwargs)

    return with_token


@token_or_session
@page("crm.view_forum", "crm.view_forumdocument")
def document_download(request, name: str):
    # Only files that a document row points to: nothing else under MEDIA_ROOT is served.
    document = get_object_or_404(ForumDocument.objects.exclude(file=""), file=name)
    filename = document.file.name.rsplit("/", 1)[-1]
    prefix = settings.DOCUMENTS_ACCEL_REDIRECT
    if prefix:
        # Behind nginx: the web server sends the bytes from an internal location, after
        # this view has checked who asks (docs/security.md). Percent-encoded, as nginx
        # expects a URI: a header cannot carry the Cyrillic of a file's name as it is.
        response = HttpResponse(content_type=document_media_type(filename))
        response["X-Accel-Redirect"] = quote(f"{prefix.rstrip('/')}/{document.file.name}")
    else:
        try:
            handle = document.file.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        response = FileResponse(handle, content_type=document_media_type(filename))
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    # Should a browser render it anyway, the page could run nothing and reach nothing.
    response._csp_replace = {"default-src": ["'none'"], "sandbox": [""]}
    return response
