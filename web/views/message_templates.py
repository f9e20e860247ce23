"""Message templates in the app: list, write and edit each language version beside the
fields a template may use, and preview it for a real recipient before saving. Saving goes
through outreach's service, which refuses what would fail at send time."""

from urllib.parse import urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from crm.models import ConsentPurpose
from outreach.message_tags import ALLOWED_TAGS
from outreach.models import MessageTemplate
from outreach.rendering import FIELDS
from outreach.selectors import preview_recipients, preview_subjects, template_queryset
from outreach.services.mailings import template_preview, template_save
from web.access import changes, may, page
from web.forms.message_templates import TemplateForm, safe_next, version_forms

# Fields that only some messages have: said beside them in the editor.
ONLY_IN = {
    "accept_url": _("invitations only"),
    "decline_url": _("invitations only"),
    "forum": _("messages about a forum"),
    "working_group": _("messages about a working group"),
}


def template_fields() -> list[dict]:
    """What a template may use, from outreach's own list, with the example saving checks
    against and where the field exists."""
    return [
        {
            "name": name,
            "example": example,
            "only_in": ONLY_IN.get(name) or ONLY_IN.get(name.split(".")[0], ""),
        }
        for name, example in FIELDS.items()
    ]


@page("outreach.view_messagetemplate")
def template_list(request):
    return render(
        request,
        "web/templates/list.html",
        {
            "section": "mailings",
            "templates": template_queryset(),
            "can_add": may(request.user, "outreach.add_messagetemplate"),
            "can_change": may(request.user, "outreach.change_messagetemplate"),
        },
    )


@changes("outreach.add_messagetemplate")
def template_new(request):
    return _editor(request, template=None)


@changes("outreach.change_messagetemplate")
def template_edit(request, pk: int):
    template = get_object_or_404(template_queryset(), pk=pk)
    return _editor(request, template=template)


def _editor(request, *, template: MessageTemplate | None):
    data = request.POST if request.method == "POST" else None
    back = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    initial = {"name": template.name, "purpose": template.purpose} if template else {}
    if template is None and request.GET.get("purpose") in ConsentPurpose.values:
        initial["purpose"] = request.GET["purpose"]
    form = TemplateForm(data, initial=initial)
    versions = version_forms(data, template)
    if data is not None and all([form.is_valid(), *(v.is_valid() for v in versions)]):
        given = [v.version() for v in versions if v.given]
        try:
            with transaction.atomic():
                saved = template_save(
                    name=form.cleaned_data["name"],
                    purpose=form.cleaned_data["purpose"],
                    translations=given,
                    template=template,
                )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            return redirect(_with_template(back, saved.pk) if back else "web:templates")
    return render(
        request,
        "web/templates/form.html",
        {
            "section": "mailings",
            "template": template,
            "form": form,
            "versions": versions,
            "fields": template_fields(),
            "tags": ALLOWED_TAGS,
            "next": back or "",
        },
    )


def _with_template(url: str, pk: int) -> str:
    """The page to go back to, told which template was just saved (so it can choose it)."""
    parts = urlsplit(url)
    query = "&".join(p for p in (parts.query, urlencode({"template": pk})) if p)
    return urlunsplit(parts._replace(query=query))


@require_POST
@changes("outreach.add_messagetemplate")
def template_preview_view(request):
    """While writing: each language version as a real recipient would receive it (the
    person searched for, else one reader of each language), and what saving would refuse.
    Reads only; a fragment for htmx."""
    purpose = request.POST.get("purpose")
    if purpose not in ConsentPurpose.values:
        purpose = ConsentPurpose.FORUM_UPDATES
    versions = version_forms(request.POST)
    ready = [v for v in versions if v.is_valid() and v.given]
    search = request.POST.get("recipient", "")[:200]
    recipients = preview_recipients(search=search, languages=[v.language for v in ready])
    previews = []
    for version in ready:
        contact = recipients.get(version.language)
        if contact is None:
            continue
        forum, group = preview_subjects(contact=contact, purpose=purpose)
        rendered = template_preview(
            purpose=purpose, version=version.version(), contact=contact,
            forum=forum, working_group=group,
        )  # fmt: skip
        previews.append(
            {"language": version.language_label, "contact": contact, "rendered": rendered,
             "about": forum or group}
        )  # fmt: skip
    problems = [
        (version.language_label, version.fields[field].label, messages)
        for version in versions
        for field, messages in version.errors.items()
    ]
    return render(
        request,
        "web/templates/_preview.html",
        {
            "previews": previews,
            "problems": problems,
            "searched": search.strip(),
            "nobody": bool(ready) and not recipients,
        },
    )
