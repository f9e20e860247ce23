"""The template language of messages: Django's, narrowed to what a message needs and
bounded in what it can produce.

A template is written by a coordinator and rendered for every recipient by the workers, so
a short template must not be able to render megabytes (``{{ x|ljust:"20000000" }}``, a
``{% lorem 9999999 %}``, a value joined with itself again and again), reveal the server
(``{% debug %}``), or let a recipient's own name through unescaped into the HTML part
(``|safe``, ``{% autoescape off %}``). Loops, variables of the template's own
(``{% with %}``) and the tags that only make sense with them are left out: a message's
fields are single values. Every filter that remains is bounded: none may return more than
MAX_FILTER_OUTPUT characters, so no chain of them can grow a value past that. What remains
is registered over Django's built-ins (outreach.rendering.MessageEngine), so these win.
"""

import functools
import re

from django import template
from django.template import TemplateSyntaxError, defaultfilters, defaulttags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

register = template.Library()

# Widths and precisions past these only pad a message with blanks or digits.
MAX_WIDTH = 200
MAX_DIGITS = 20

# A message's longest field is a few hundred characters; no filter of one needs more.
MAX_FILTER_OUTPUT = 10_000

ALLOWED_TAGS = ("if", "now", "spaceless", "comment", "templatetag", "verbatim")
REFUSED_FILTERS = ("safe", "safeseq", "pprint", "unordered_list", "linenumbers", "random",
                   "join", "make_list")  # fmt: skip


def _refuse_tag(name: str):
    def refuse(parser, token):
        raise TemplateSyntaxError(
            _("{%% %(tag)s %%} is not available in messages; you can use: %(tags)s.")
            % {"tag": name, "tags": ", ".join(ALLOWED_TAGS)}
        )

    return refuse


for _name in defaulttags.register.tags:
    if _name not in ALLOWED_TAGS:
        register.tag(_name, _refuse_tag(_name))


def _refuse_filter(name: str):
    def refuse(value, arg=None):
        raise TemplateSyntaxError(
            _("The filter |%(filter)s is not available in messages.") % {"filter": name}
        )

    return refuse


for _name in REFUSED_FILTERS:
    register.filter(_name, _refuse_filter(_name))


def _bounded(name: str, function):
    # functools.wraps keeps the filter's flags and, through __wrapped__, its signature,
    # which the template parser checks arguments against.
    @functools.wraps(function)
    def bounded(*args, **kwargs):
        value = function(*args, **kwargs)
        if isinstance(value, str) and len(value) > MAX_FILTER_OUTPUT:
            raise TemplateSyntaxError(
                _("The filter |%(filter)s made a value of %(size)s characters; a message "
                  "allows %(max)s.")
                % {"filter": name, "size": f"{len(value):,}", "max": f"{MAX_FILTER_OUTPUT:,}"}
            )  # fmt: skip
        return value

    return bounded


_TOO_WIDE = gettext_lazy("A width in a message can be at most %(max)d.")


def _width(arg) -> int:
    try:
        width = int(arg)
    except (TypeError, ValueError) as error:
        raise TemplateSyntaxError(_("A width must be a number, not %r.") % (arg,)) from error
    if abs(width) > MAX_WIDTH:
        raise TemplateSyntaxError(_TOO_WIDE % {"max": MAX_WIDTH})
    return width


@register.filter(is_safe=True)
def ljust(value, arg):
    return defaultfilters.ljust(value, _width(arg))


@register.filter(is_safe=True)
def rjust(value, arg):
    return defaultfilters.rjust(value, _width(arg))


@register.filter(is_safe=True)
def center(value, arg):
    return defaultfilters.center(value, _width(arg))


@register.filter(is_safe=True)
def stringformat(value, arg):
    if any(int(number) > MAX_WIDTH for number in re.findall(r"\d+", str(arg))):
        raise TemplateSyntaxError(_TOO_WIDE % {"max": MAX_WIDTH})
    return defaultfilters.stringformat(value, arg)


@register.filter(is_safe=True)
def floatformat(value, arg=-1):
    digits = re.sub(r"[gu]", "", str(arg))
    try:
        too_many = abs(int(digits or 0)) > MAX_DIGITS
    except ValueError as error:
        raise TemplateSyntaxError(
            _("floatformat takes a number of digits, not %r.") % (arg,)
        ) from error
    if too_many:
        raise TemplateSyntaxError(
            _("floatformat can show at most %(max)d digits.") % {"max": MAX_DIGITS}
        )
    return defaultfilters.floatformat(value, arg)


# Every filter a message may use, ours above included, returns a bounded value.
for _name, _function in {**defaultfilters.register.filters, **register.filters}.items():
    if _name not in REFUSED_FILTERS:
        register.filter(_name, _bounded(_name, _function))
