"""Forums: create and edit (all fields, partners, a document at a time) and delete."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.models import Forum, ForumDocument
from crm.selectors.forums import forum_detail_queryset
from crm.services.forums import (
    forum_create,
    forum_delete,
    forum_document_create,
    forum_document_delete,
    forum_update,
)
from web.access import changes
from web.forms.records import (
    ForumDocumentForm,
    ForumForm,
    partner_formset,
    partners_chosen,
    service_errors_show,
)
from web.views.record_pages import delete_page


def _document_given(form: ForumDocumentForm) -> bool:
    data = form.cleaned_data
    return bool(data.get("file") or data.get("url") or data.get("title"))


def _save(request, forum_form, partners, document_form, forum=None) -> Forum | None:
    """The forum, its partner list and the document added, in one transaction: a
    document the service refuses leaves no forum half-made behind."""
    try:
        with transaction.atomic():
            data = {**forum_form.cleaned_data, "partners": partners_chosen(partners)}
            forum = forum_update(forum=forum, data=data) if forum else forum_create(**data)
            if _document_given(document_form):
                try:
                    forum_document_create(forum=forum, **document_form.cleaned_data)
                except ValidationError as error:
                    service_errors_show(document_form, error)
                    raise
    except ValidationError as error:
        if not document_form.errors:
            service_errors_show(forum_form, error)
        return None
    return forum


def _form_page(request, forum_form, partners, document_form, forum=None):
    return render(
        request,
        "web/forums/form.html",
        {
            "section": "forums",
            "form": forum_form,
            "partners": partners,
            "document_form": document_form,
            "forum": forum,
            "documents": list(forum.documents.all()) if forum else [],
            "title": _("Edit %(name)s") % {"name": forum.title} if forum else _("New forum"),
        },
    )


def _forms(request, forum=None):
    data = request.POST if request.method == "POST" else None
    initial = {}
    if forum is None and request.GET.get("programme", "").isdigit():
        initial["programme"] = request.GET["programme"]
    return (
        ForumForm(data, instance=forum, initial=initial or None),
        partner_formset(data, forum=forum),
        ForumDocumentForm(data, request.FILES or None, prefix="document"),
    )


def _valid(*forms) -> bool:
    # Every form is checked, so that every error shows at once (all() would stop early).
    results = [form.is_valid() for form in forms]
    return all(results)


@changes("crm.add_forum", "crm.add_forumdocument")
def forum_new(request):
    forum_form, partners, document_form = _forms(request)
    if request.method == "POST" and _valid(forum_form, partners, document_form):
        forum = _save(request, forum_form, partners, document_form)
        if forum is not None:
            messages.success(request, _("Forum created."))
            return redirect("web:forum", pk=forum.pk)
    return _form_page(request, forum_form, partners, document_form)


@changes("crm.change_forum", "crm.add_forumdocument")
def forum_edit(request, pk: int):
    forum = get_object_or_404(forum_detail_queryset(), pk=pk)
    forum_form, partners, document_form = _forms(request, forum)
    if request.method == "POST" and _valid(forum_form, partners, document_form):
        if _save(request, forum_form, partners, document_form, forum) is not None:
            messages.success(request, _("Changes saved."))
            return redirect("web:forum", pk=forum.pk)
        forum = get_object_or_404(forum_detail_queryset(), pk=pk)
    return _form_page(request, forum_form, partners, document_form, forum)


@changes("crm.delete_forum")
def forum_delete_view(request, pk: int):
    forum = get_object_or_404(Forum, pk=pk)
    return delete_page(
        request,
        record=forum,
        delete=lambda: forum_delete(forum=forum),
        section="forums",
        back=reverse("web:forum_edit", args=[pk]),
        done=reverse("web:forums"),
    )


@require_POST
@changes("crm.delete_forumdocument")
def forum_document_delete_view(request, pk: int, document: int):
    document = get_object_or_404(ForumDocument, pk=document, forum_id=pk)
    forum_document_delete(document=document)
    messages.success(request, _("Deleted: %(record)s.") % {"record": document})
    return redirect("web:forum_edit", pk=pk)
