"""CSV exports that spreadsheets open safely: every CSV the product writes goes through here.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula, so a name typed as
``=HYPERLINK("http://evil.example","x")`` would become a live link (or worse) in the
coordinator's spreadsheet. Following OWASP's CSV-injection rule, such text cells get a
leading apostrophe, which spreadsheets show as plain text; so does a formula character
right after a separator inside a cell, for spreadsheets that split on another character.
Numbers the product computes stay numbers: a negative E-I index is data, not a formula.
"""

import csv
import json
import re
from collections.abc import Iterable
from decimal import Decimal

from django.http import StreamingHttpResponse
from rest_framework import renderers, viewsets

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A spreadsheet set to Russian or Kazakh splits a comma-separated file on semicolons (its
# list separator), and LibreOffice may split on several characters at once: then
# "Ivan;=cmd|..." becomes two cells, the second a formula. A formula character that follows
# any such separator (and blanks or quotes) gets the same apostrophe.
_AFTER_SEPARATOR = re.compile(r"""([,;|\t\r\n][\s"']*)([=+\-@])""")


def spreadsheet_cell(value):
    """The value as a CSV cell that no spreadsheet evaluates, whatever separator it splits
    the file on."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, dict | list | tuple):
        value = json.dumps(value, ensure_ascii=False, default=str)
    text = _AFTER_SEPARATOR.sub(r"\1'\2", str(value))
    # Blanks or quotes before the formula character hide it from a plain prefix check.
    if text.startswith(FORMULA_START) or text.lstrip(" \"'").startswith(("=", "+", "-", "@")):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write returns the line: csv.writer then yields lines."""

    def write(self, value):
        return value


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterable[str]:
    """The header and rows as CSV lines, UTF-8 BOM first so that spreadsheet programs read
    Cyrillic names correctly."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([spreadsheet_cell(name) for name in header])
    for row in rows:
        yield writer.writerow([spreadsheet_cell(value) for value in row])


def csv_response(header: list[str], rows: Iterable[Iterable], filename: str):
    """Stream rows as a CSV download: a 200,000-row export never sits in memory at once."""
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


class CsvRenderer(renderers.BaseRenderer):
    """``?format=csv``. Lists stream their rows themselves (see CsvExportMixin); this renders
    the answers that are not streamed (a contact's score history) from the serializer's
    data, with the serializer's fields as the header even when there are no rows."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "results" in data:
            data = data["results"]
        rows = [data] if isinstance(data, dict) else list(data or [])
        serializer = getattr(data, "serializer", None)  # DRF's ReturnList and ReturnDict
        fields = getattr(getattr(serializer, "child", serializer), "fields", None)
        if fields is None:
            fields = rows[0] if rows else {}
        header = list(fields)
        return "".join(csv_lines(header, ([row[k] for k in header] for row in rows))).encode()


class CsvExportMixin:
    """``?format=csv`` returns every row of the filtered, ordered list, not one page."""

    renderer_classes = [*viewsets.GenericViewSet.renderer_classes, CsvRenderer]
    csv_name = "export"

    def csv_rows(self, queryset, serializer_class):
        serializer = serializer_class()
        names = list(serializer.fields)
        for instance in queryset.iterator(chunk_size=2_000):
            data = serializer_class(instance, context=self.get_serializer_context()).data
            yield [data[name] for name in names]

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "csv":
            queryset = self.filter_queryset(self.get_queryset())
            serializer_class = self.get_serializer_class()
            header = list(serializer_class().fields)
            return csv_response(header, self.csv_rows(queryset, serializer_class), self.csv_name)
        return super().list(request, *args, **kwargs)
