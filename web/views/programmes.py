"""Programmes: create, edit (with the sector targets) and delete."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.models import Programme
from crm.services.forums import programme_create, programme_delete, programme_update
from web.access import changes
from web.forms.records import ProgrammeForm
from web.views.record_pages import delete_page, form_page


def _done(programme: Programme) -> str:
    # Programmes are shown on the forums page, each with its forums.
    return f"{reverse('web:forums')}#programme-{programme.pk}"


def _context(programme=None) -> dict:
    return {
        "section": "forums",
        "programme": programme,
        "title": _("Edit %(name)s") % {"name": programme.name} if programme else _("New programme"),
    }


@changes("crm.add_programme")
def programme_new(request):
    form = ProgrammeForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda: programme_create(**form.values()),
        saved=_("Programme created."),
        done=_done,
        template="web/programmes/form.html",
        context=_context(),
    )


@changes("crm.change_programme")
def programme_edit(request, pk: int):
    programme = get_object_or_404(Programme, pk=pk)
    form = ProgrammeForm(request.POST or None, instance=programme)
    return form_page(
        request,
        form,
        save=lambda: programme_update(programme=programme, data=form.values()),
        saved=_("Changes saved."),
        done=_done,
        template="web/programmes/form.html",
        context=_context(programme),
        instance=programme,
    )


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
