"""Every CSV the product writes is safe to open in a spreadsheet: text that a spreadsheet
would run as a formula is written as plain text, whatever the export."""

import csv
import datetime as dt
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.exports import FORMULA_START, csv_lines, spreadsheet_cell
from crm.services.contacts import contact_create
from crm.services.forums import forum_create, programme_create
from crm.services.organisations import organisation_create
from crm.services.participation import participation_create
from engagement.services import engagement_snapshot_compute

EVIL = '=HYPERLINK("http://evil.example","x")'


SEPARATORS = ",;|\t\r\n"


@given(st.text(alphabet=st.sampled_from("ab =+-@;,|'\"\t\r\n1") | st.characters()))
def test_no_piece_of_a_text_cell_starts_like_a_formula_whatever_the_separator(text):
    cell = spreadsheet_cell(text)
    for separator in SEPARATORS:
        for piece in cell.split(separator):
            assert not piece.lstrip(" \t\r\n\"'").startswith(("=", "+", "-", "@")) or (
                piece.lstrip(' \t\r\n"').startswith("'")
            ), (text, cell, separator)
    assert not cell.startswith(FORMULA_START)
    assert not cell.lstrip(" \"'").startswith(("=", "+", "-", "@")) or cell.startswith("'")
    # Nothing is lost: apostrophes are the only change, and none is added to plain text.
    assert cell.replace("'", "") == text.replace("'", "")
    if not any(mark in text for mark in "=+-@\t\r"):
        assert cell == text


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans()))
def test_numbers_stay_numbers(number):
    assert spreadsheet_cell(number) == number


@given(st.lists(st.lists(st.one_of(st.text(), st.none(), st.integers()), max_size=5), max_size=5))
def test_every_line_reads_back_as_the_cells_written(rows):
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    header = [f"c{i}" for i in range(width)]
    text = "".join(csv_lines(header, rows)).removeprefix("\ufeff")
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert read[0] == header
    assert read[1:] == [[str(spreadsheet_cell(v)) for v in row] for row in rows]


@pytest.fixture
def hostile(db):
    """A lapsed regular whose name, city and organisation are formulas."""
    programme = programme_create(name="+Series", start_year=2018)
    forums = [
        forum_create(programme=programme, number=i + 1, title=f"-Forum {i + 1}",
                     date=dt.date(2018, 1, 1) + dt.timedelta(days=30 * i))
        for i in range(6)
    ]  # fmt: skip
    organisation = organisation_create(name="@SUM(1+1)", sector="business")
    evil = contact_create(given_name=EVIL, family_name="-Minus", city="+City", sector="business")
    regular = contact_create(given_name="Dana", family_name="Regular", sector="media")
    for forum in forums[:3]:
        participation_create(
            contact=evil, forum=forum, status="attended", organisation=organisation
        )
    for forum in forums:
        participation_create(contact=regular, forum=forum, status="attended")
    engagement_snapshot_compute(as_of=dt.date(2019, 1, 1))
    return {"programme": programme, "evil": evil}


def cells(response) -> list[str]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(body, newline="")) for cell in row]


def is_number(cell: str) -> bool:
    """A negative figure the product computed (a drift, an E-I index) is a number, which a
    spreadsheet reads as one; only text may not look like a formula."""
    try:
        float(cell)
    except ValueError:
        return False
    return True


def assert_safe(response, *expected):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    found = cells(response)
    assert not [c for c in found if c.startswith(FORMULA_START) and not is_number(c)], found
    for text in expected:
        assert any(c.startswith("'" + text) for c in found), (text, found)


def test_a_spreadsheet_splitting_on_semicolons_finds_no_formula(hostile, coordinator_client):
    """Russian and Kazakh Excel split a CSV on ";": a name holding one must not turn the
    rest of it into a formula cell."""
    from crm.services.contacts import contact_create

    contact_create(given_name="Ivan;=1+1", family_name="x;@SUM(A1)", sector="media")
    response = coordinator_client.get("/contacts/", {"format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    found = [cell for row in csv.reader(io.StringIO(body, newline=""), delimiter=";")
             for cell in row]  # fmt: skip
    assert not [c for c in found if c.startswith(("=", "+", "-", "@")) and not is_number(c)]
    assert any(cell.startswith("'=1+1") for cell in found)


def test_the_contacts_page_export_is_safe(hostile, coordinator_client):
    response = coordinator_client.get("/contacts/", {"format": "csv"})
    assert_safe(response, EVIL, "-Minus", "+City")


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("contacts", [EVIL]),
        ("lapsed", [EVIL, "@SUM(1+1)"]),
        ("organisations", ["@SUM(1+1)"]),
        ("sectors", []),
        ("cohorts", ["-Forum 1"]),
        ("forums", ["-Forum 1"]),
    ],
)
def test_every_engagement_export_is_safe(hostile, coordinator_api, endpoint, expected):
    response = coordinator_api.get(f"/api/v1/engagement/{endpoint}/", {"format": "csv"})
    assert_safe(response, *expected)
