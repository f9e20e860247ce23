"""Public pages reached from e-mails: no login, no cookies needed, signed tokens only."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .services.consent import unsubscribe, unsubscribe_preview
from .services.invitations import invitation_answer
from .tokens import BadToken


@csrf_exempt  # RFC 8058 one-click: the mail client posts without cookies or a form token
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request, token: str):
    """GET shows a confirmation page; POST (the button, or the mail client's one-click
    request) records the withdrawal and answers 200, never a redirect."""
    try:
        if request.method == "POST":
            contact, purpose = unsubscribe(token=token)
            return render(
                request, "outreach/unsubscribed.html", {"contact": contact, "purpose": purpose}
            )
        contact, purpose = unsubscribe_preview(token=token)
    except BadToken as error:
        raise Http404 from error
    return render(request, "outreach/unsubscribe.html", {"contact": contact, "purpose": purpose})


@csrf_exempt  # the signed token is the credential; there is no session to protect
@require_http_methods(["GET", "POST"])
def invitation_answer_view(request, token: str):
    """GET asks to confirm (link checkers that open every link answer nothing); POST records
    the answer: accepting makes the contact a member of the working group."""
    try:
        invitation, answer = invitation_answer(token=token, confirm=request.method == "POST")
    except BadToken as error:
        raise Http404 from error
    template = (
        "outreach/invitation_done.html" if request.method == "POST" else "outreach/invitation.html"
    )
    return render(request, template, {"invitation": invitation, "answer": answer})
