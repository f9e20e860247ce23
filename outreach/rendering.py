"""Message templates: Django's template language over a fixed set of fields.

A template may use only the fields below; anything else is refused when the template is
saved, so a typo never reaches a recipient as an empty gap. ``{% include %}``,
``{% extends %}``, loops and custom tag libraries are not available, and what a template
renders is bounded (message_tags, OUTREACH_MAX_RENDERED_CHARS).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import VariableNode
from django.utils.translation import gettext as _

# field -> example used to check a template when it is saved
FIELDS = {
    "contact.given_name": "Айгерим",
    "contact.family_name": "Касымова",
    "contact.full_name": "Айгерим Касымова",
    "contact.email": "aigerim@example.org",
    "forum.title": "Almaty - accessible and inclusive city",
    "forum.number": 9,
    "forum.date": datetime.date(2019, 4, 30),
    "forum.venue": "Novotel Hotel, 104a Dostyk str.",
    "forum.city": "Almaty",
    "working_group.title": "Accessibility and inclusion working group",
    "working_group.theme": "Accessibility and inclusion of the city of Almaty",
    "accept_url": "https://example.org/i/accept",
    "decline_url": "https://example.org/i/decline",
    "unsubscribe_url": "https://example.org/u/token",
}
ROOTS = {name.split(".")[0] for name in FIELDS}


class MessageEngine(Engine):
    # Without loader_tags: no {% include %} or {% extends %} reaching the server's files.
    # message_tags comes last, so its narrower tags and bounded filters win.
    default_builtins = [
        "django.template.defaulttags",
        "django.template.defaultfilters",
        "outreach.message_tags",
    ]


ENGINE = MessageEngine(libraries={}, autoescape=True)


@dataclass(frozen=True)
class Rendered:
    subject: str
    body_text: str
    body_html: str


def _variables(template) -> set[str]:
    names = set()
    for node in template.nodelist.get_nodes_by_type(VariableNode):
        var = node.filter_expression.var
        lookup = getattr(var, "var", None)  # a literal has no lookup
        if isinstance(lookup, str):
            names.add(lookup)
    return names


def template_check(source: str, field: str) -> None:
    """Compile ``source`` and refuse unknown fields; raises ValidationError on ``field``."""
    try:
        compiled = ENGINE.from_string(source)
    except TemplateSyntaxError as error:
        raise ValidationError({field: _("Template error: %(error)s") % {"error": error}}) from error
    unknown = sorted(
        name for name in _variables(compiled) if name not in FIELDS and name not in ROOTS
    )
    if unknown:
        raise ValidationError(
            {
                field: _("Unknown fields: %(fields)s. Available: %(available)s.")
                % {"fields": ", ".join(unknown), "available": ", ".join(FIELDS)}
            }
        )
    try:
        _bounded(compiled.render(Context(_nested(FIELDS))))
    except RenderedTooLarge as error:
        raise ValidationError({field: str(error)}) from error
    except Exception as error:
        raise ValidationError({field: _("Template error: %(error)s") % {"error": error}}) from error


def _nested(flat: dict) -> dict:
    context: dict = {}
    for name, value in flat.items():
        root, _dot, rest = name.partition(".")
        if rest:
            context.setdefault(root, {})[rest] = value
        else:
            context[root] = value
    return context


@dataclass(frozen=True)
class Compiled:
    """A language version compiled once per mailing, rendered once per recipient."""

    subject: object
    body_text: object
    body_html: object | None


def compile_translation(translation) -> Compiled:
    return Compiled(
        subject=ENGINE.from_string(translation.subject),
        body_text=ENGINE.from_string(translation.body_text),
        body_html=ENGINE.from_string(translation.body_html) if translation.body_html else None,
    )


class RenderedTooLarge(ValueError):
    """A template that renders more than a message can reasonably hold."""


def _bounded(text: str) -> str:
    limit = settings.OUTREACH_MAX_RENDERED_CHARS
    if len(text) > limit:
        raise RenderedTooLarge(
            _("The message renders to %(size)s characters; a message may have at most %(limit)s.")
            % {"size": f"{len(text):,}", "limit": f"{limit:,}"}
        )
    return text


def render(compiled: Compiled, context: dict) -> Rendered:
    """Render for one recipient. Subject and text are plain (no HTML escaping). Each part
    is held to OUTREACH_MAX_RENDERED_CHARS (the filters themselves are bounded too, see
    message_tags, so no part can grow far past it before this check)."""
    subject = _bounded(compiled.subject.render(Context(context, autoescape=False)))
    text = _bounded(compiled.body_text.render(Context(context, autoescape=False)))
    html = _bounded(compiled.body_html.render(Context(context))) if compiled.body_html else ""
    # A subject is one line: line breaks in it would let a field inject headers.
    return Rendered(subject=" ".join(subject.split()), body_text=text, body_html=html)
