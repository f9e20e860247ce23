"""Organisations: create, edit and delete."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.models import Organisation
from crm.services.organisations import (
    organisation_create,
    organisation_delete,
    organisation_update,
)
from web.access import changes, may
from web.forms_records import OrganisationForm
from web.views.record_pages import delete_page, service_save


def _form_page(request, form, organisation=None):
    return render(
        request,
        "web/records/form.html",
        {
            "section": "organisations",
            "form": form,
            "title": _("Edit %(name)s") % {"name": organisation.name}
            if organisation
            else _("New organisation"),
            "back": reverse("web:organisation", args=[organisation.pk])
            if organisation
            else reverse("web:organisations"),
            "delete_url": reverse("web:organisation_delete", args=[organisation.pk])
            if organisation and may(request.user, "crm.delete_organisation")
            else "",
        },
    )


@changes("crm.add_organisation")
def organisation_new(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = service_save(form, lambda: organisation_create(**form.cleaned_data))
        if organisation is not None:
            messages.success(request, _("Organisation created."))
            return redirect("web:organisation", pk=organisation.pk)
    return _form_page(request, form)


@changes("crm.change_organisation")
def organisation_edit(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        saved = service_save(
            form,
            lambda: organisation_update(organisation=organisation, data=form.cleaned_data),
        )
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect("web:organisation", pk=pk)
        organisation.refresh_from_db()
    return _form_page(request, form, organisation)


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
