"""Excel round trip: the rota exported as planners use it, people and absences imported
from .xlsx all or nothing, bad rows named by number."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import Session, select

from scheduler.auth import Actor, load_actor
from scheduler.errors import Invalid
from scheduler.models import Absence, Assignment, Person
from scheduler.services.spreadsheets import (
    export_rota,
    import_absences_file,
    import_people_file,
    rows_from_xlsx,
)
from tests.factories import World, make_role, make_rota_version, make_world


def planner(session: Session, world: World) -> Actor:
    return load_actor(session, world.hh_planner)


def workbook(*rows: list[Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


PEOPLE_FIELDS = {"code", "name", "zone", "qualifications", "fte", "active_start"}


class TestReadingRows:
    def test_header_names_columns_and_cells_become_text(self) -> None:
        data = workbook(
            ["code", "name", "zone", "qualifications", "fte", "active_start"],
            ["hh-10", "An Peeters", "HH", "OBP; SB", 0.8, datetime(2026, 3, 1)],
            [None, None, None, None, None, None],
            [110, "Bo", "RT", None, 1, None],
        )
        rows = rows_from_xlsx(data, PEOPLE_FIELDS)
        assert rows == [
            {
                "code": "hh-10",
                "name": "An Peeters",
                "zone": "HH",
                "qualifications": ["OBP", "SB"],
                "fte": "0.8",
                "active_start": "2026-03-01",
            },
            {"code": "110", "name": "Bo", "zone": "RT", "fte": "1"},
        ]

    def test_an_unknown_column_names_the_header(self) -> None:
        with pytest.raises(Invalid) as refused:
            rows_from_xlsx(workbook(["code", "nickname"], ["a", "b"]), PEOPLE_FIELDS)
        assert refused.value.fields[0].field == "header"
        assert "nickname" in refused.value.detail

    def test_cells_beyond_the_header_name_the_row(self) -> None:
        with pytest.raises(Invalid) as refused:
            rows_from_xlsx(workbook(["code"], ["a"], ["b", "extra"]), PEOPLE_FIELDS)
        assert [problem.field for problem in refused.value.fields] == ["rows[2]"]

    def test_not_a_workbook(self) -> None:
        with pytest.raises(Invalid) as refused:
            rows_from_xlsx(b"code,name\nx,y\n", PEOPLE_FIELDS)
        assert refused.value.fields[0].field == "file"


class TestImport:
    def test_people_from_xlsx(self, session: Session) -> None:
        world = make_world(session)
        data = workbook(
            ["code", "name", "zone", "qualifications"],
            ["new-1", "Nieuw Een", world.hh.code, "OBP"],
            ["new-2", "Nieuw Twee", world.hh.code, "OBP;SB"],
        )
        result = import_people_file(
            session=session,
            actor=planner(session, world),
            cooperation_id=world.cooperation.id or 0,
            data=data,
            filename="people.xlsx",
        )
        assert (result.created, result.updated) == (2, 0)
        two = session.exec(select(Person).where(Person.code == "new-2")).one()
        assert two.qualifications == ["OBP", "SB"]

    def test_bad_rows_are_named_and_nothing_is_imported(self, session: Session) -> None:
        world = make_world(session)
        before = len(session.exec(select(Person)).all())
        data = workbook(
            ["code", "name", "zone", "fte"],
            ["ok-1", "Goed", world.hh.code, 1],
            ["bad-2", "Slechte zone", "NOPE", 1],
            ["bad-3", "Te veel", world.hh.code, 2],
        )
        with pytest.raises(Invalid) as refused:
            import_people_file(
                session=session,
                actor=planner(session, world),
                cooperation_id=world.cooperation.id or 0,
                data=data,
                filename="people.xlsx",
            )
        fields = [problem.field for problem in refused.value.fields]
        assert fields == ["rows[2].zone", "rows[3].fte"]
        assert "nothing imported" in refused.value.detail
        assert len(session.exec(select(Person)).all()) == before

    def test_absences_from_xlsx_with_real_dates(self, session: Session) -> None:
        world = make_world(session)
        data = workbook(
            ["person", "start", "end", "reason"],
            [world.officer_person.code, datetime(2026, 7, 13), datetime(2026, 7, 27), "verlof"],
        )
        import_absences_file(
            session=session,
            actor=planner(session, world),
            cooperation_id=world.cooperation.id or 0,
            data=data,
            filename="afwezig.xlsx",
        )
        absence = session.exec(select(Absence).where(Absence.reason == "verlof")).one()
        assert (absence.start, absence.end, absence.whole_days) == (
            datetime(2026, 7, 13),
            datetime(2026, 7, 27),
            True,
        )

    def test_csv_uploads_still_work(self, session: Session) -> None:
        world = make_world(session)
        result = import_people_file(
            session=session,
            actor=planner(session, world),
            cooperation_id=world.cooperation.id or 0,
            data=f"code,name,zone\ncsv-1,Uit CSV,{world.hh.code}\n".encode(),
            filename="people.csv",
        )
        assert result.created == 1


def test_the_exported_rota_has_a_grid_per_role_and_every_duty_in_local_time(
    session: Session,
) -> None:
    world = make_world(session)
    version = make_rota_version(session, cooperation=world.cooperation)
    version.horizon_start, version.horizon_end = date(2026, 3, 2), date(2026, 4, 6)
    # A week across the change to summer time: 08:00 local on both Mondays.
    make_role(session, cooperation=world.cooperation)
    session.add(
        Assignment(
            version_id=version.id or 0,
            shift="OVW@2026-03-23T08:00",
            role="OVW",
            person_id=world.officer_person.id or 0,
            zone="HH",
            start=datetime.fromisoformat("2026-03-23T08:00+01:00"),
            end=datetime.fromisoformat("2026-03-30T08:00+02:00"),
            load=216.0,
        )
    )
    session.commit()
    actor = planner(session, world)
    data = export_rota(
        session=session,
        actor=actor,
        cooperation_id=world.cooperation.id or 0,
        version_id=version.id or 0,
    )
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[-2:] == ["Diensten", "Niet bezet"]
    duties = book["Diensten"]
    assert [cell.value for cell in duties[1]][:6] == [
        "Functie",
        "Begin",
        "Einde",
        "Code",
        "Naam",
        "Zone",
    ]
    row = [cell.value for cell in duties[2]]
    assert row[1] == datetime(2026, 3, 23, 8, 0)
    assert row[2] == datetime(2026, 3, 30, 8, 0)
    assert duties.cell(2, 2).number_format == "dd/mm/yyyy hh:mm"
    grid = book[book.sheetnames[0]]
    weeks = {row[1].value: [cell.value for cell in row] for row in grid.iter_rows(min_row=2)}
    week = weeks[datetime(2026, 3, 23, 0, 0)]
    # Monday to Sunday covered, the next Monday (handover at 08:00) not.
    assert all(world.officer_person.name in str(value) for value in week[2:9])
    assert not weeks[datetime(2026, 3, 30, 0, 0)][2]
    assert date(2026, 3, 23).isocalendar().week == week[0]
