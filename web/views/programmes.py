"""Programmes: create, edit (with the sector targets) and delete."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.models import Programme
from crm.services.forums import programme_create, programme_delete, programme_update
from web.access import changes
from web.forms_records import ProgrammeForm
from web.views.record_pages import delete_page, service_save


def _done(programme: Programme) -> str:
    # Programmes are shown on the forums page, each with its forums.
    return f"{reverse('web:forums')}#programme-{programme.pk}"


def _form_page(request, form, programme=None):
    return render(
        request,
        "web/programmes/form.html",
        {
            "section": "forums",
            "form": form,
            "programme": programme,
            "title": _("Edit %(name)s") % {"name": programme.name}
            if programme
            else _("New programme"),
        },
    )


@changes("crm.add_programme")
def programme_new(request):
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        programme = service_save(form, lambda: programme_create(**form.values()))
        if programme is not None:
            messages.success(request, _("Programme created."))
            return redirect(_done(programme))
    return _form_page(request, form)


@changes("crm.change_programme")
def programme_edit(request, pk: int):
    programme = get_object_or_404(Programme, pk=pk)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        saved = service_save(
            form, lambda: programme_update(programme=programme, data=form.values())
        )
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect(_done(saved))
        programme.refresh_from_db()  # the service may have set fields before refusing
    return _form_page(request, form, programme)


@changes("crm.delete_programme")
def programme_delete_view(request, pk: int):
    programme = get_object_or_404(Programme, pk=pk)
    return delete_page(
        request,
        record=programme,
        delete=lambda: programme_delete(programme=programme),
        section="forums",
        back=reverse("web:programme_edit", args=[pk]),
        done=reverse("web:forums"),
    )
