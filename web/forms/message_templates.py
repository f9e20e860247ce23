"""The template editor's forms: a name and a purpose, and one language version per language
(subject, text, optional HTML), named as the API names them, each language under its own
prefix ("ru-subject"). They only shape input; outreach checks and saves."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.models import ConsentPurpose, Language
from outreach.models import MessageTemplate, TemplateTranslation
from outreach.rendering import template_check

VERSION_FIELDS = ("subject", "body_text", "body_html")


class TemplateForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=200)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)


class VersionForm(forms.Form):
    """One language version; left empty, the template has no version in that language."""

    subject = forms.CharField(
        label=_("Subject"),
        required=False,
        max_length=TemplateTranslation._meta.get_field("subject").max_length,
    )
    body_text = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=TemplateTranslation._meta.get_field("body_text").max_length,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    body_html = forms.CharField(
        label=_("HTML (optional)"),
        required=False,
        max_length=TemplateTranslation._meta.get_field("body_html").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, language: str, **kwargs):
        super().__init__(*args, prefix=language, **kwargs)
        self.language = language
        self.language_label = Language(language).label

    @property
    def given(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in VERSION_FIELDS)

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in VERSION_FIELDS):
            return data
        for name in ("subject", "body_text"):
            if not data.get(name):
                self.add_error(name, forms.Field.default_error_messages["required"])
        # The checks saving makes (outreach.rendering), shown beside the field they concern.
        for name in VERSION_FIELDS:
            if data.get(name) and name not in self.errors:
                try:
                    template_check(data[name], name)
                except ValidationError as error:
                    self.add_error(name, error.message_dict[name])
        return data

    def version(self) -> dict:
        return {"language": self.language} | {
            name: self.cleaned_data.get(name, "") for name in VERSION_FIELDS
        }


def version_forms(data=None, template: MessageTemplate | None = None) -> list[VersionForm]:
    """A form per language, in the order of Language, filled from the saved template."""
    saved = {t.language: t for t in template.translations.all()} if template else {}
    return [
        VersionForm(
            data,
            language=language,
            initial={name: getattr(saved[language], name) for name in VERSION_FIELDS}
            if language in saved
            else None,
        )
        for language in Language.values
    ]


def safe_next(request, value: str | None) -> str | None:
    """Where to go back to after saving: a path on this site, never elsewhere."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return None
