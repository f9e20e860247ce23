"""A contact's records from their page: affiliations added and ended, consent stated in
person (or withdrawn)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.models import Affiliation, ConsentSource, Contact
from crm.services.affiliations import affiliation_create, affiliation_end, affiliation_update
from crm.services.consent import consent_record
from web.access import changes
from web.forms.records import AffiliationEndForm, AffiliationForm, ConsentForm
from web.views.record_pages import form_page, service_save


def _form_page(request, form, contact, title):
    return render(
        request,
        "web/records/form.html",
        {
            "section": "contacts",
            "form": form,
            "title": title,
            "back": reverse("web:contact", args=[contact.pk]),
        },
    )


@changes("crm.add_affiliation")
def affiliation_new(request, pk: int):
    contact = get_object_or_404(Contact, pk=pk)
    form = AffiliationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        affiliation = service_save(
            form, lambda: affiliation_create(contact=contact, **form.cleaned_data)
        )
        if affiliation is not None:
            messages.success(request, _("Affiliation added."))
            return redirect("web:contact", pk=pk)
    title = _("New affiliation of %(name)s") % {"name": contact.full_name}
    return _form_page(request, form, contact, title)


@changes("crm.change_affiliation")
def affiliation_edit(request, pk: int):
    """Correct an affiliation: its organisation, position, dates, whether it is primary."""
    affiliation = get_object_or_404(Affiliation.objects.select_related("contact"), pk=pk)
    contact = affiliation.contact
    form = AffiliationForm(request.POST or None, instance=affiliation)
    return form_page(
        request,
        form,
        save=lambda: affiliation_update(affiliation=affiliation, data=form.cleaned_data),
        saved=_("Changes saved."),
        done=lambda saved: reverse("web:contact", args=[contact.pk]),
        context={
            "section": "contacts",
            "title": _("Affiliation of %(name)s") % {"name": contact.full_name},
            "back": reverse("web:contact", args=[contact.pk]),
        },
        instance=affiliation,
    )


@require_POST
@changes("crm.change_affiliation")
def affiliation_end_view(request, pk: int):
    affiliation = get_object_or_404(Affiliation.objects.select_related("organisation"), pk=pk)
    form = AffiliationEndForm(request.POST)
    if form.is_valid():
        saved = service_save(
            form,
            lambda: affiliation_end(
                affiliation=affiliation, end_date=form.cleaned_data["end_date"]
            ),
        )
        if saved is not None:
            messages.success(
                request,
                _("Affiliation with %(organisation)s ended.")
                % {"organisation": affiliation.organisation.name},
            )
            return redirect("web:contact", pk=affiliation.contact_id)
    messages.error(request, "; ".join(m for errors in form.errors.values() for m in errors))
    return redirect("web:contact", pk=affiliation.contact_id)


@changes("crm.add_consent")
def consent_new(request, pk: int):
    """Consent a person states to a coordinator (or withdraws), with the text's version."""
    contact = get_object_or_404(Contact, pk=pk)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        consent = service_save(
            form,
            lambda: consent_record(
                contact=contact,
                source=ConsentSource.IN_PERSON,
                recorded_by=request.user,
                **form.cleaned_data,
            ),
        )
        if consent is not None:
            messages.success(request, _("Consent recorded."))
            return redirect("web:contact", pk=pk)
    title = _("Consent of %(name)s, given in person") % {"name": contact.full_name}
    return _form_page(request, form, contact, title)
