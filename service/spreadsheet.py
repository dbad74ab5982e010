"""CSV downloads that a spreadsheet may open: no cell of the data is run as a formula.

Spreadsheets (Excel, LibreOffice Calc, Google Sheets) treat a cell that begins with ``=``, ``+``,
``-`` or ``@`` as a formula — ``=HYPERLINK(…)`` or ``=cmd|…`` from a label in the data would run
when a researcher opens the file — and a leading tab or carriage return can hide such a start.
:func:`spreadsheet_cell` writes those cells with a leading apostrophe (``'=HYPERLINK(…)``),
which spreadsheets show as text; a plain number (``-12``, ``+3.5``, ``-1e3``) is left as it is,
so counts and amounts stay numbers. The full-width forms (＝ ＋ － ＠) are treated alike.

Used by every CSV download of the site's pages: the catalogue's ``/queries/<name>.csv`` and the
network's ``/network/<slug>.csv``. Not by the SPARQL endpoint: its ``text/csv`` results
(``/sparql``) follow the SPARQL 1.1 CSV format and stay faithful to the data for programs.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

#: How a cell that a spreadsheet would read as a formula begins.
FORMULA_START = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_cell(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet shows as text: ``'`` before a formula-like start."""
    if text and text[0] in FORMULA_START and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(header: list[str], rows: Iterable[Iterable[str]]) -> str:
    """A CSV document (RFC 4180: CRLF line ends, header row first) whose every cell went through
    :func:`spreadsheet_cell`. (With CRLF ends the writer quotes a cell holding a lone CR or LF;
    with LF ends alone it would leave a CR bare and split the row for some readers.)"""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([spreadsheet_cell(name) for name in header])
    for row in rows:
        writer.writerow([spreadsheet_cell(value) for value in row])
    return out.getvalue()
