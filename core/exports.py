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
