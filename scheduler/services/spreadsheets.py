"""Excel workbooks: the rota as planners send it around, and people/absences read from .xlsx.

Export: a sheet per role with a row per week and a column per day (names,
uncovered shifts marked), a sheet with every duty, and a sheet of uncovered
shifts; times are local to the cooperation and written as real Excel dates
(dd/mm/yyyy hh:mm), so filters and sorting work.

Import: the first sheet's first row names the columns (the same names as the
CSV import); every further non-empty row is a data row, numbered from 1 as
``rows[N]`` — so ``rows[N]`` is on spreadsheet line N + 1 when no blank line
precedes it. The rows go through ``bulk_import``: all are checked, and one bad
row means nothing is imported.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlmodel import Session

from scheduler.auth import Actor
from scheduler.errors import FieldProblem, Invalid
from scheduler.models import Cooperation
from scheduler.models.planning import AbsenceCreate, PersonCreate
from scheduler.services import bulk_import, rotas
from scheduler.services.bulk_import import LIST_FIELDS, ImportMode, ImportResult
from scheduler.services.roles import role_codes

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
# Light fills per zone (in zone-code order) and for uncovered shifts.
ZONE_FILLS = ("DBEAFE", "FEF3C7", "DCFCE7", "FCE7F3", "EDE9FE", "E0F2FE")
UNCOVERED_FILL = "FDE8E8"
HEADER = Font(bold=True)
WEEKDAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")
# A duty reaches a day when it is on at that day's noon (intervals are half-open).
NOON = timedelta(hours=12, microseconds=1)
# Keep malformed or hostile uploads small: a rota team's people fit easily.
MAX_ROWS = 20_000


# --- Export ----------------------------------------------------------------------------------


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    """A naive local datetime: Excel has no time zones."""
    return moment.astimezone(tz).replace(tzinfo=None)


def covered_days(start: datetime, end: datetime) -> list[date]:
    """The local days a duty covers, as grids show it: from its start day to the last day
    whose noon falls inside it (a Monday 08:00 → Monday 08:00 week covers Monday to Sunday,
    a 17:00 → 08:00 night the evening it starts)."""
    last = max(start.date(), (end - NOON).date())
    return [start.date() + timedelta(days=n) for n in range((last - start.date()).days + 1)]


def export_rota(*, session: Session, actor: Actor, cooperation_id: int, version_id: int) -> bytes:
    """The version as an .xlsx workbook (bytes)."""
    version = rotas.get_version(
        session=session, actor=actor, cooperation_id=cooperation_id, version_id=version_id
    )
    cooperation = session.get(Cooperation, cooperation_id)
    assert cooperation is not None
    tz = ZoneInfo(cooperation.timezone)
    duties = rotas.version_duties(session, version)
    uncovered = (version.rota or {}).get("uncovered", [])
    role_order = list(role_codes(session, cooperation_id).values())
    zones = sorted({duty.zone for duty in duties})
    fills = {
        zone: PatternFill("solid", fgColor=ZONE_FILLS[index % len(ZONE_FILLS)])
        for index, zone in enumerate(zones)
    }
    workbook = Workbook()
    first_sheet = workbook.active
    assert first_sheet is not None
    workbook.remove(first_sheet)

    monday = version.horizon_start - timedelta(days=version.horizon_start.weekday())
    weeks = max(1, -(-(version.horizon_end - monday).days // 7))
    for role in role_order:
        sheet = workbook.create_sheet(title=role[:31])
        sheet.append(["Week", "Vanaf", *WEEKDAYS])
        cells: dict[date, list[tuple[str, str | None]]] = {}
        for duty in duties:
            if duty.role == role:
                for day in covered_days(_local(duty.start, tz), _local(duty.end, tz)):
                    cells.setdefault(day, []).append((duty.person_name or duty.person, duty.zone))
        for gap in uncovered:
            if gap["role"] == role:
                start = _local(datetime.fromisoformat(gap["start"]), tz)
                end = _local(datetime.fromisoformat(gap["end"]), tz)
                for day in covered_days(start, end):
                    cells.setdefault(day, []).append(("NIET BEZET", None))
        for number in range(weeks):
            week_start = monday + timedelta(weeks=number)
            row = [week_start.isocalendar().week, week_start]
            zones_of_row: list[str | None] = []
            for offset in range(7):
                entries = cells.get(week_start + timedelta(days=offset), [])
                row.append(", ".join(dict.fromkeys(name for name, _ in entries)))
                zones_of_row.append(
                    None
                    if any(zone is None for _, zone in entries)
                    else entries[0][1]
                    if entries
                    else ""
                )
            sheet.append(row)
            line = sheet.max_row
            sheet.cell(line, 2).number_format = DATE_FORMAT
            for offset, zone in enumerate(zones_of_row):
                cell = sheet.cell(line, 3 + offset)
                if zone is None:
                    cell.fill = PatternFill("solid", fgColor=UNCOVERED_FILL)
                    cell.font = Font(bold=True, color="A4161A")
                elif zone in fills:
                    cell.fill = fills[zone]
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        _finish(sheet, widths=[7, 12, *([18] * 7)])

    sheet = workbook.create_sheet(title="Diensten")
    sheet.append(["Functie", "Begin", "Einde", "Code", "Naam", "Zone", "Belasting", "Dienst"])
    for duty in sorted(duties, key=lambda item: (item.start, item.role, item.person)):
        sheet.append(
            [
                duty.role,
                _local(duty.start, tz),
                _local(duty.end, tz),
                duty.person,
                duty.person_name,
                duty.zone,
                duty.load,
                duty.shift,
            ]
        )
        for column in (2, 3):
            sheet.cell(sheet.max_row, column).number_format = DATETIME_FORMAT
    _finish(sheet, widths=[9, 17, 17, 10, 26, 7, 10, 22])

    sheet = workbook.create_sheet(title="Niet bezet")
    sheet.append(["Functie", "Begin", "Einde", "Ontbrekend", "Redenen", "Dienst"])
    for gap in uncovered:
        sheet.append(
            [
                gap["role"],
                _local(datetime.fromisoformat(gap["start"]), tz),
                _local(datetime.fromisoformat(gap["end"]), tz),
                gap.get("missing", 1),
                "; ".join(gap.get("reasons", [])),
                gap["shift"],
            ]
        )
        for column in (2, 3):
            sheet.cell(sheet.max_row, column).number_format = DATETIME_FORMAT
    _finish(sheet, widths=[9, 17, 17, 11, 60, 22])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _finish(sheet: Any, *, widths: list[int]) -> None:
    for cell in sheet[1]:
        cell.font = HEADER
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


# --- Import ----------------------------------------------------------------------------------


def _fail(message: str, field: str = "file") -> Invalid:
    return Invalid(f"{field}: {message}", fields=[FieldProblem(field, message)])


def _cell_text(value: Any) -> str | None:
    """A cell as the text the row models read (dates ISO, whole numbers without '.0')."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return (
            value.date().isoformat()
            if value.time() == time(0)
            else value.isoformat(timespec="minutes")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def rows_from_xlsx(data: bytes, fields: set[str]) -> list[dict[str, Any]]:
    """The data rows of the first sheet, keyed by the header row's column names."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        raise _fail("not an Excel .xlsx workbook") from None
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        raise _fail("the workbook has no sheet")
    lines = sheet.iter_rows(values_only=True)
    header_cells = next(lines, None)
    header = [_cell_text(cell) for cell in header_cells or ()]
    while header and header[-1] is None:
        header.pop()
    if not header or any(name is None for name in header):
        raise _fail("the first row must name every column", "header")
    unknown = [name for name in header if name not in fields]
    if unknown:
        raise _fail(
            f"unknown column(s) {', '.join(repr(name) for name in unknown)}; "
            f"known: {', '.join(sorted(fields))}",
            "header",
        )
    rows: list[dict[str, Any]] = []
    problems: list[FieldProblem] = []
    for values in lines:
        texts = [_cell_text(value) for value in values]
        if all(text is None for text in texts):
            continue
        number = len(rows) + 1
        if number > MAX_ROWS:
            raise _fail(f"at most {MAX_ROWS} rows per file")
        if any(text is not None for text in texts[len(header) :]):
            problems.append(FieldProblem(f"rows[{number}]", "more cells than columns"))
        row: dict[str, Any] = {}
        for name, text in zip(header, texts, strict=False):
            if name is None or text is None:
                continue
            row[name] = (
                [part.strip() for part in text.split(";") if part.strip()]
                if name in LIST_FIELDS
                else text
            )
        rows.append(row)
    workbook.close()
    if problems:
        raise Invalid("; ".join(f"{p.field}: {p.message}" for p in problems), fields=problems)
    return rows


def is_xlsx(filename: str | None, content_type: str | None) -> bool:
    return (filename or "").lower().endswith(".xlsx") or (content_type or "").startswith(
        XLSX_MEDIA_TYPE
    )


def upload_rows(
    *, data: bytes, filename: str | None, content_type: str | None, body: type[Any]
) -> list[dict[str, Any]]:
    """The rows of an uploaded .xlsx, .csv or .json file."""
    if is_xlsx(filename, content_type):
        return rows_from_xlsx(data, set(body.model_fields))
    return bulk_import.parse_rows(
        data=data, content_type=content_type or "", filename=filename or "upload.csv", body=body
    )


def import_people_file(
    *,
    session: Session,
    actor: Actor,
    cooperation_id: int,
    data: bytes,
    filename: str | None,
    content_type: str | None = None,
    mode: ImportMode = "create",
) -> ImportResult:
    """People from an uploaded file, all or nothing. Commits."""
    rows = upload_rows(data=data, filename=filename, content_type=content_type, body=PersonCreate)
    return bulk_import.import_people(
        session=session, actor=actor, cooperation_id=cooperation_id, rows=rows, mode=mode
    )


def import_absences_file(
    *,
    session: Session,
    actor: Actor,
    cooperation_id: int,
    data: bytes,
    filename: str | None,
    content_type: str | None = None,
) -> ImportResult:
    """Absences from an uploaded file, all or nothing. Commits."""
    rows = upload_rows(data=data, filename=filename, content_type=content_type, body=AbsenceCreate)
    return bulk_import.import_absences(
        session=session, actor=actor, cooperation_id=cooperation_id, rows=rows
    )
