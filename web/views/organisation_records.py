"""Organisations: create, edit and delete."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.models import Organisation
from crm.services.organisations import (
    organisation_create,
    organisation_delete,
    organisation_update,
)
from web.access import changes, may
from web.forms.records import OrganisationForm
from web.views.record_pages import delete_page, form_page


def _context(request, organisation=None) -> dict:
    return {
        "section": "organisations",
        "title": _("Edit %(name)s") % {"name": organisation.name}
        if organisation
        else _("New organisation"),
        "back": reverse("web:organisation", args=[organisation.pk])
        if organisation
        else reverse("web:organisations"),
        "delete_url": reverse("web:organisation_delete", args=[organisation.pk])
        if organisation and may(request.user, "crm.delete_organisation")
        else "",
    }


def _shown(organisation) -> str:
    return reverse("web:organisation", args=[organisation.pk])


@changes("crm.add_organisation")
def organisation_new(request):
    form = OrganisationForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda: organisation_create(**form.cleaned_data),
        saved=_("Organisation created."),
        done=_shown,
        context=_context(request),
    )


@changes("crm.change_organisation")
def organisation_edit(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    form = OrganisationForm(request.POST or None, instance=organisation)
    return form_page(
        request,
        form,
        save=lambda: organisation_update(organisation=organisation, data=form.cleaned_data),
        saved=_("Changes saved."),
        done=_shown,
        context=_context(request, organisation),
        instance=organisation,
    )


@changes("crm.delete_organisation")
def organisation_delete_view(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    return delete_page(
        request,
        record=organisation,
        delete=lambda: organisation_delete(organisation=organisation),
        section="organisations",
        back=reverse("web:organisation_edit", args=[pk]),
        done=reverse("web:organisations"),
    )
