"""What the pages that create, edit and delete records share: a service call whose
ValidationError lands on the form, and a delete that asks first and, when the record is
still in use, says by what (the API's 409 message)."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError, RestrictedError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.services import still_in_use_message
from web.forms.records import service_errors_show


def service_save(form, save: Callable):
    """Call ``save`` (a service); on a ValidationError show it on ``form`` and return None."""
    try:
        return save()
    except ValidationError as error:
        service_errors_show(form, error)
        return None


def form_page(
    request,
    form,
    *,
    save: Callable,
    saved: str,
    done: Callable[[object], str],
    template: str = "web/records/form.html",
    context: dict,
    instance=None,
):
    """A create or edit page: a valid POST calls ``save`` (a service), says ``saved`` and
    goes to ``done(record)``; a refusal lands on the form, and ``instance`` (an edit) is
    read again, since the service may have set fields before refusing."""
    if request.method == "POST" and form.is_valid():
        record = service_save(form, save)
        if record is not None:
            messages.success(request, saved)
            return redirect(done(record))
        if instance is not None:
            instance.refresh_from_db()
    return render(request, template, {"form": form, **context})


def delete_page(
    request,
    *,
    record,
    delete: Callable[[], None],
    section: str,
    back: str,
    done: str,
):
    """GET asks for confirmation; POST deletes through the service and goes to ``done``.
    A record still in use stays, and the page says why (409, as the API answers)."""
    reason = ""
    if request.method == "POST":
        try:
            delete()
        except (ProtectedError, RestrictedError) as error:
            reason = still_in_use_message(error)
        else:
            messages.success(request, _("Deleted: %(record)s.") % {"record": record})
            return redirect(done)
    return render(
        request,
        "web/records/delete.html",
        {"section": section, "record": record, "reason": reason, "back": back},
        status=409 if reason else 200,
    )
