"""The explanation of a figure beside its label, from web/metric_definitions.py:
``{% metric "betweenness" %}`` shows the label with its one-line explanation on hover and on
a tap, and a link to the definition; ``{% metric_help "betweenness" %}`` only a small "?"
link (for table headers and other tight places)."""

from django import template
from django.urls import reverse

from web.metric_definitions import DEFINITIONS

register = template.Library()


def _context(key: str, label=None) -> dict:
    definition = DEFINITIONS[key]  # an unknown key is a template error, caught by the tests
    return {
        "definition": definition,
        "label": label or definition.label,
        "href": f"{reverse('web:metric_definitions')}#{definition.key}",
    }


@register.inclusion_tag("web/metric.html")
def metric(key: str, label=None) -> dict:
    return _context(key, label)


@register.inclusion_tag("web/metric_help.html")
def metric_help(key: str) -> dict:
    return _context(key)


@register.simple_tag
def metric_line(key: str) -> str:
    """The one-line explanation alone, e.g. for a ``title`` attribute."""
    return DEFINITIONS[key].line
