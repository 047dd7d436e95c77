"""
The report's tables as CSV (RFC 4180: comma separated, CRLF line ends, header row first), one table per file,
for spreadsheets and scripts. A table's total row, where it has one, comes last.

Text that a spreadsheet would run as a formula (starting with = + - @) gets a leading apostrophe: city and
badge names are written by city teams, and a report is opened by managers of the whole network.
"""
from __future__ import annotations

import csv
import io

from .api import NetworkReport, ReportFilters, Table

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def table_csv(report: NetworkReport, table_name: str) -> str:
    """The table ``table_name`` of ``report`` as CSV text; an unknown name raises KeyError."""
    return write_table(report.table(table_name))


def write_table(table: Table) -> str:
    """One table as CSV text (``api.build_table`` gives a table without computing the whole report)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_cell(value) for value in row])
    if table.total:
        writer.writerow([_cell(value) for value in table.total])
    return out.getvalue()


def filename(table_name: str, filters: ReportFilters) -> str:
    """A file name that says what the file holds, e.g. ``network-report-top_badges-2026-01-01-2026-03-31.csv``."""
    parts = ["network-report", table_name]
    if filters.date_from or filters.date_to:
        parts += [filters.date_from.isoformat() if filters.date_from else "start",
                  filters.date_to.isoformat() if filters.date_to else "now"]
    return "-".join(parts) + ".csv"
