"""
CSV import and export of a city's opportunities, for teams that keep their programme in a spreadsheet.

An import is all or nothing: every row is checked first (by the same domain functions the API and pages use,
inside a transaction that is rolled back), every problem is reported with its line number as the spreadsheet
shows it (the header is line 1), and only a file without problems is written, in one transaction. A dry run
stops after the check.

Dates and times in the file are wall-clock times of the owning city's time zone, as a city team writes them.
A row with a ``uuid`` updates that opportunity (it must belong to the importing city: any other uuid is
answered as one of no opportunity); a row without one creates a new opportunity (a person imports courses of the
city's organisations only, ``api.check_course``); an opportunity's course is never changed. ``cities`` names only
cities the importing person may see (``api.cities_named``). A column left out of the file leaves that field of
existing opportunities alone. Exporting and importing the same file changes nothing: unchanged rows are not saved
at all.
"""
from __future__ import annotations

import csv
import io
import re
import uuid
import zoneinfo
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..tenancy import api as tenancy_api
from ..tenancy.models import City, Stakeholder
from . import api
from .models import Opportunity, OpportunityKind, PublicationStatus

COLUMNS = (
    "uuid", "title", "kind", "description", "start", "end", "online", "place_name", "address", "latitude",
    "longitude", "url", "organiser", "language", "skills", "status", "course_key", "cities",
)
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
_TRUE = ("true", "yes", "1")
_FALSE = ("false", "no", "0", "")
_SKILL_SEPARATOR = re.compile(r";(?=\s*[A-Za-z][A-Za-z0-9+.-]*://)")


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do). ``errors`` holds (line, message); line None = the file."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int | None, str]] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_lines(self) -> list[str]:
        return [_("line %(line)d: %(message)s") % {"line": line, "message": message} if line else message
                for line, message in self.errors]

    def summary(self) -> str:
        if not self.ok:
            # The English text is the same for one problem; the Lithuanian one is not.
            return ngettext("%(count)d problem(s) found; nothing was imported.",
                            "%(count)d problem(s) found; nothing was imported.",
                            len(self.errors)) % {"count": len(self.errors)}
        counts = _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged") % {
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged}
        if self.dry_run:
            return _("Dry run: %(counts)s if imported; nothing was saved.") % {"counts": counts}
        return _("Imported: %(counts)s.") % {"counts": counts}


class _BadFileError(Exception):
    """The file as a whole cannot be read; nothing further is checked."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line, self.message = line, message


@dataclass
class _Row:
    """One data row, turned into the arguments of the domain functions."""

    line: int
    data: dict = field(default_factory=dict)
    cities: list[City] | None = None
    target: Opportunity | None = None  # the opportunity a uuid names
    errors: list[str] = field(default_factory=list)


# --- Export ------------------------------------------------------------------------------------------------------

def export_opportunities(city: City, queryset: QuerySet | None = None) -> str:
    """The city's own opportunities (or ``queryset``) as CSV text with a header row."""
    if queryset is None:
        queryset = Opportunity.objects.filter(city=city)
    return write_csv(queryset)


def write_csv(queryset: QuerySet) -> str:
    """CSV text of any opportunities; each row's times are written in its owning city's time zone."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    rows = queryset.select_related("city", "organiser").prefetch_related("cities")
    for opportunity in rows:
        writer.writerow([_defuse(cell) for cell in _export_row(opportunity)])
    return out.getvalue()


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _defuse(cell: str) -> str:
    """
    Keep spreadsheets from running a cell as a formula (CSV injection): text starting with = + - @ gets a
    leading apostrophe, which the import removes again. Numbers such as -3.5 stay as they are.
    """
    if cell and cell.startswith(_FORMULA_STARTS):
        try:
            float(cell)
        except ValueError:
            return "'" + cell
    return cell


def _restore(cell: str) -> str:
    """Undo ``_defuse`` on import."""
    if cell.startswith("'") and cell[1:2] and cell[1:].startswith(_FORMULA_STARTS):
        return cell[1:]
    return cell


def _export_row(item: Opportunity) -> list[str]:
    tz = zoneinfo.ZoneInfo(item.city.timezone)
    extra = sorted(c.slug for c in item.cities.all() if c.pk != item.city_id)
    values = {
        "uuid": str(item.uuid), "title": item.title, "kind": item.kind, "description": item.description,
        "start": _format_datetime(item.start, tz), "end": _format_datetime(item.end, tz),
        "online": "true" if item.online else "false", "place_name": item.place_name, "address": item.address,
        "latitude": _text(item.latitude), "longitude": _text(item.longitude), "url": item.url,
        "organiser": item.organiser.name if item.organiser_id else "", "language": item.language,
        "skills": "; ".join(f"{s.get('uri', '')}|{s.get('label', '')}" for s in item.skills or []),
        "status": item.status, "course_key": item.course_key or "", "cities": "; ".join(extra),
    }
    return [values[column] for column in COLUMNS]


def _text(value) -> str:
    return "" if value is None else str(value)


def _format_datetime(value, tz) -> str:
    """Local wall-clock time; with the UTC offset only where the clock is ambiguous (the hour DST ends)."""
    if value is None:
        return ""
    local = timezone.localtime(value, tz)
    naive = local.replace(tzinfo=None, fold=0)
    spec = "minutes" if not (local.second or local.microsecond) else "auto"
    if naive.replace(tzinfo=tz).utcoffset() != local.utcoffset():
        return local.isoformat(sep=" ", timespec=spec)
    return naive.isoformat(sep=" ", timespec=spec)


# --- Import ------------------------------------------------------------------------------------------------------

def import_opportunities(city: City, file_or_text, user=None, dry_run: bool = False) -> ImportResult:
    """
    Import a CSV file (bytes, text or an open file) into ``city``. Nothing is written unless every row is
    good. Callers check that ``user`` may work on ``city``; ``user`` becomes the creator of new opportunities.
    """
    result = ImportResult(dry_run=dry_run)
    try:
        header, records = _read(file_or_text)
    except _BadFileError as problem:
        result.errors.append((problem.line, problem.message))
        return result
    with timezone.override(zoneinfo.ZoneInfo(city.timezone)):
        rows = _parse_rows(city, header, records, user)
        result.errors = [(row.line, message) for row in rows for message in row.errors]
        # The domain rules check every row whose cells could be read, so that one pass reports everything.
        _apply(city, [row for row in rows if not row.errors], user, result, commit=False)
        result.errors.sort(key=lambda error: error[0])
        if result.ok and not dry_run:
            _apply(city, rows, user, result, commit=True)
    if not result.ok:
        result.created = result.updated = result.unchanged = 0
    return result


def _read(file_or_text) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-blank records, numbered as a spreadsheet numbers its rows."""
    data = file_or_text if isinstance(file_or_text, str | bytes) else file_or_text.read(MAX_BYTES + 1)
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > MAX_BYTES:
        raise _BadFileError(None, _("The file is larger than 5 MB; split it into smaller files."))
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            raise _BadFileError(line, _("The file is not UTF-8 text (this line holds other bytes). Save it from "
                                        "your spreadsheet as 'CSV UTF-8' and try again.")) from exc
    text = data.removeprefix("\ufeff")
    if not text.strip():
        raise _BadFileError(None, _("The file is empty."))
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in much of Europe save CSV with semicolons; the header line tells which one this is.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = []
    try:
        for number, cells in enumerate(reader, start=1):
            if any(cell.strip() for cell in cells):
                records.append((number, cells))
            if len(records) > MAX_ROWS + 1:
                raise _BadFileError(None, _("The file has more than %(rows)s rows; split it into smaller files.")
                                    % {"rows": f"{MAX_ROWS:,}"})
    except csv.Error as exc:
        raise _BadFileError(reader.line_num, _("The file cannot be read as CSV (%(error)s).") % {"error": exc}) from exc
    if not records:
        raise _BadFileError(None, _("The file is empty."))
    line, header = records[0]
    return _check_header(line, header), records[1:]


def _check_header(line: int, cells: list[str]) -> list[str]:
    names = [cell.strip().lower().replace(" ", "_") for cell in cells]
    while names and not names[-1]:  # spreadsheets add empty columns at the end
        names.pop()
    if line != 1:
        raise _BadFileError(1, _("Line 1 is empty; the first line must be the header naming the columns."))
    if not set(names) & set(COLUMNS):
        raise _BadFileError(1, _("The first line must be the header naming the columns (%(columns)s); "
                                 "'%(cell)s' is not a column name.")
                            % {"columns": ", ".join(COLUMNS), "cell": cells[0]})
    unknown = [name or _("(column %(number)d has no name)") % {"number": i}
               for i, name in enumerate(names, 1) if name not in COLUMNS]
    if unknown:
        raise _BadFileError(1, _("Unknown column(s): %(unknown)s. The columns are: %(columns)s.")
                            % {"unknown": ", ".join(unknown), "columns": ", ".join(COLUMNS)})
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise _BadFileError(1, _("Column(s) named twice: %(columns)s.") % {"columns": ", ".join(repeated)})
    if "title" not in names:
        raise _BadFileError(1, _("The header has no 'title' column; every opportunity needs a title."))
    return names


def _parse_rows(city: City, header: list[str], records: list[tuple[int, list[str]]], user=None) -> list[_Row]:
    at = header.index("uuid") if "uuid" in header else len(header)
    lookup = _Lookup(city, {_as_uuid(cells[at]) for _line, cells in records if at < len(cells)} - {None}, user)
    rows = []
    for line, cells in records:
        row = _Row(line=line)
        rows.append(row)
        if any(cell.strip() for cell in cells[len(header):]):
            row.errors.append(_("the row has %(cells)d cells but the header names %(columns)d columns.")
                              % {"cells": len(cells), "columns": len(header)})
            continue
        values = dict(zip(header, cells, strict=False))  # a short row: the missing cells are blank
        for column in header:
            try:
                _parse_cell(row, column, values.get(column, ""), lookup)
            except ValidationError as exc:
                row.errors.extend(_messages(exc, column))
        if "cities" in header:  # after the uuid, whichever column comes first: its cities may be named again
            try:
                row.cities = _cities(values.get("cities", ""), row, lookup)
            except ValidationError as exc:
                row.errors.extend(_messages(exc, "cities"))
    _check_repeats(rows)
    return rows


class _Lookup:
    """What cells refer to, loaded once per file."""

    def __init__(self, city: City, uuids: set[uuid.UUID], user=None):
        self.city, self.user = city, user
        # Only the city's own: another city's uuid is answered as one of no opportunity.
        self.by_uuid = {o.uuid: o for o in Opportunity.objects.filter(uuid__in=uuids, city=city)
                        .prefetch_related("cities")}
        self.stakeholders = {s.name: s for s in Stakeholder.objects.filter(city=city)}
        self.cities = {c.slug: c for c in api.nameable_cities(user)}


def _as_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text.strip()) if text.strip() else None
    except ValueError:
        return None


def _parse_cell(row: _Row, column: str, raw: str, lookup: _Lookup) -> None:
    raw = _restore(raw)
    text = raw if column == "description" else raw.strip()
    if column == "uuid":
        if text:
            row.target = _target(text, lookup)
    elif column == "kind":
        if text:
            row.data["kind"] = _choice(text, OpportunityKind.values, "kind")
    elif column == "status":
        row.data["status"] = _choice(text, PublicationStatus.values, "status") if text else PublicationStatus.DRAFT
    elif column in ("start", "end"):
        try:
            row.data[column] = api.parse_datetime_value(text, column)
        except ValueError as exc:  # well-formed but impossible, such as 2025-02-30
            raise ValidationError(_("'%(value)s' is not a date or date and time (use YYYY-MM-DD HH:MM).")
                                  % {"value": text}) from exc
    elif column == "online":
        if text.lower() not in _TRUE + _FALSE:
            raise ValidationError(_("'%(value)s' is not true or false (use true/false, yes/no or 1/0).")
                                  % {"value": text})
        row.data["online"] = text.lower() in _TRUE
    elif column in ("latitude", "longitude"):
        row.data[column] = api.parse_decimal(text, column)
    elif column == "organiser":
        row.data["organiser"] = _stakeholder(text, lookup) if text else None
    elif column == "skills":
        row.data["skills"] = _skills(text)
    elif column == "course_key":
        row.data["course_key"] = str(tenancy_api.as_course_key(text)) if text else None
    elif column == "cities":
        pass  # read once the row's uuid is known (``_parse_rows``)
    else:
        row.data[column] = text if text.strip() else ""


def _target(text: str, lookup: _Lookup) -> Opportunity:
    value = _as_uuid(text)
    if value is None:
        raise ValidationError(_("'%(value)s' is not an opportunity's uuid (leave it blank to add a new opportunity).")
                              % {"value": text})
    opportunity = lookup.by_uuid.get(value)
    if opportunity is None:
        raise ValidationError(_("%(city)s has no opportunity of its own with the uuid %(value)s (leave it blank to "
                                "add a new opportunity).") % {"city": lookup.city.name, "value": text})
    return opportunity


def _choice(text: str, values, column: str) -> str:
    if text.lower() not in values:
        # One whole sentence per column, so that translations can inflect the noun.
        message = (_("'%(value)s' is not a kind; use one of: %(choices)s.") if column == "kind"
                   else _("'%(value)s' is not a status; use one of: %(choices)s."))
        raise ValidationError(message % {"value": text, "choices": ", ".join(values)})
    return text.lower()


def _stakeholder(text: str, lookup: _Lookup) -> Stakeholder:
    found = lookup.stakeholders.get(text)
    if found is None:
        matches = [s for name, s in lookup.stakeholders.items() if name.lower() == text.lower()]
        found = matches[0] if len(matches) == 1 else None
    if found is None:
        raise ValidationError(_("%(city)s has no stakeholder named '%(name)s'; add it first.")
                              % {"city": lookup.city.name, "name": text})
    return found


def _skills(text: str) -> list[dict]:
    skills = []
    # A semicolon ends a skill only where a URI follows, so that a label may hold one.
    for part in filter(None, (p.strip() for p in _SKILL_SEPARATOR.split(text))):
        uri, bar, label = part.partition("|")
        if not bar or not uri.strip() or not label.strip():
            raise ValidationError(_("'%(value)s' should read uri|label, e.g. http://data.europa.eu/esco/skill/…|Teamwork.")
                                  % {"value": part})
        skills.append({"uri": uri.strip(), "label": label.strip()})
    return skills


def _cities(text: str, row: _Row, lookup: _Lookup) -> list[City]:
    text = _restore(text).strip()
    slugs = [s.strip() for s in text.split(";") if s.strip()]
    cities, unknown = api.cities_named(lookup.user, slugs, row.target, nameable=lookup.cities)
    if unknown:
        raise ValidationError(_("no city with the slug %(slugs)s.") % {"slugs": ", ".join(unknown)})
    return cities


def _check_repeats(rows: list[_Row]) -> None:
    """The same opportunity or course twice in one file is a mistake the database would only half catch."""
    seen: dict[tuple[str, object], int] = {}
    for row in rows:
        keys = [("uuid", row.target.pk)] if row.target else []
        if row.data.get("course_key"):
            keys.append(("course_key", row.data["course_key"]))
        for column, key in keys:
            if (column, key) in seen:
                same = (_("the same opportunity is already on line %(line)d.") if column == "uuid"
                        else _("the same course is already on line %(line)d.")) % {"line": seen[column, key]}
                row.errors.append(f"{column}: {same}")
            seen.setdefault((column, key), row.line)
        if row.target and "course_key" in row.data:
            try:
                api.check_course_unchanged(row.target, row.data["course_key"])
            except ValidationError as exc:
                row.errors.extend(_messages(exc))


def _messages(exc: ValidationError, column: str = "") -> list[str]:
    """Each message prefixed with the column it is about, the way the user named it."""
    if hasattr(exc, "error_dict"):
        return [f"{name}: {message}" if name != "__all__" else message
                for name, messages in exc.message_dict.items() for message in messages]
    return [f"{column}: {message}" if column else message for message in exc.messages]


def _apply(city: City, rows: list[_Row], user, result: ImportResult, commit: bool) -> None:
    """Run every row through the domain functions in one transaction; roll it back unless ``commit``."""
    result.created = result.updated = result.unchanged = 0
    with transaction.atomic():
        current = {o.pk: o for o in Opportunity.objects.filter(pk__in=[r.target.pk for r in rows if r.target])
                   .select_related("city", "organiser").prefetch_related("cities")}
        for row in rows:
            try:
                with transaction.atomic():
                    outcome = _apply_row(city, row, current.get(row.target.pk) if row.target else None, user, commit)
                setattr(result, outcome, getattr(result, outcome) + 1)
            except ValidationError as exc:
                result.errors.extend((row.line, message) for message in _messages(exc))
            except PermissionDenied as exc:
                result.errors.append((row.line, f"cities: {exc}"))
            except DatabaseError as exc:  # e.g. the same course added elsewhere since the check
                result.errors.append((row.line, _("the database refused the row (%(error)s).") % {"error": exc}))
        if not (commit and result.ok):
            transaction.set_rollback(True)


def _apply_row(city: City, row: _Row, opportunity: Opportunity | None, user, commit: bool) -> str:
    if user is not None and row.cities is not None:
        current = set(opportunity.cities.all()) if opportunity else {city}
        api.check_city_changes(user, city, current, row.cities)
    if opportunity is None:
        api.create_opportunity(city, row.data, user=user, cities=row.cities)
        return "created"
    if not _differs(opportunity, row):
        return "unchanged"
    api.update_opportunity(opportunity, row.data)
    if row.cities is not None:
        # Studio's course tags are written only for real: a check must not reach outside the transaction.
        api.set_cities(opportunity, row.cities, write_back=commit)
    return "updated"


def _differs(opportunity: Opportunity, row: _Row) -> bool:
    for key, value in row.data.items():
        if key == "course_key" or (opportunity.is_course and key in api.COURSE_MANAGED_FIELDS):
            continue  # the platform owns these; the domain function leaves them alone
        current = getattr(opportunity, key)
        if key == "organiser":
            current, value = opportunity.organiser_id, value.pk if value else None
        if current != value:
            return True
    if row.cities is not None:
        return {c.pk for c in row.cities} | {opportunity.city_id} != {c.pk for c in opportunity.cities.all()}
    return False


__all__ = ["COLUMNS", "ImportResult", "export_opportunities", "import_opportunities", "write_csv"]
