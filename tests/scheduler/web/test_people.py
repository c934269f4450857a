"""People, absences, preferences and imports through the planner's forms."""

from __future__ import annotations

import io
import re
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from sqlmodel import select

from scheduler.models import Absence, Person, Preference
from tests.scheduler.conftest import Planning
from tests.scheduler.web.conftest import Browser


def base(planning: Planning) -> str:
    return f"/c/{planning.cooperation_id}"


def xlsx(*rows: list[Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def people_codes(planning: Planning) -> set[str]:
    with planning.session() as session:
        rows = session.exec(
            select(Person.code).where(Person.cooperation_id == planning.cooperation_id)
        )
        return set(rows.all())


PERSON = {
    "code": "hh-10",
    "name": "Nieuwe Collega",
    "zone": "HH",
    "qualifications": "OBP, SB",
    "fte": "0,8",
    "phone": "+32 50 12 34 56",
}


def test_add_and_edit_a_person(planning: Planning, planner_browser: Browser) -> None:
    added = planner_browser.post(f"{base(planning)}/people", PERSON, follow_redirects=True)
    assert "hh-10 is opgeslagen." in added.text
    with planning.session() as session:
        person = session.exec(select(Person).where(Person.code == "hh-10")).one()
        assert (person.qualifications, person.fte) == (["OBP", "SB"], 0.8)
    edited = planner_browser.post(
        f"{base(planning)}/people/{person.id}",
        PERSON | {"name": "Hernoemd", "qualifications": "OBP"},
        follow_redirects=True,
    )
    assert 'value="Hernoemd"' in edited.text
    listing = planner_browser.get(f"{base(planning)}/people", params={"q": "hernoemd"}).text
    assert listing.count("<tr><td><a href") == 1


def test_a_bad_person_is_shown_with_the_fields_at_fault_and_not_saved(
    planning: Planning, planner_browser: Browser
) -> None:
    response = planner_browser.post(
        f"{base(planning)}/people", PERSON | {"fte": "1.5", "code": "bad code!"}
    )
    assert response.status_code == 422
    assert "fte:" in response.text and "code:" in response.text
    assert 'value="Nieuwe Collega"' in response.text  # the form keeps what was typed
    assert "bad code!" not in people_codes(planning)


def test_a_planner_of_the_other_zone_cannot_add_here(
    planning: Planning, planner_browser: Browser
) -> None:
    response = planner_browser.post(f"{base(planning)}/people", PERSON | {"zone": "RT"})
    assert response.status_code == 403
    assert "hh-10" not in people_codes(planning)


def test_absences_by_first_and_last_day(planning: Planning, planner_browser: Browser) -> None:
    added = planner_browser.post(
        f"{base(planning)}/absences",
        {"person": "hh-02", "first": "2026-07-13", "last": "2026-07-24", "reason": "verlof"},
        follow_redirects=True,
    )
    assert "De afwezigheid is opgeslagen." in added.text
    with planning.session() as session:
        absence = session.exec(select(Absence)).one()
    # The last day is included: stored as the half-open [13/07, 25/07).
    assert (absence.start, absence.end) == (datetime(2026, 7, 13), datetime(2026, 7, 25))
    listing = planner_browser.get(f"{base(planning)}/absences", params={"from": "2026-07-01"}).text
    assert "13/07/2026" in listing and "24/07/2026" in listing and "25/07/2026" not in listing
    backwards = planner_browser.post(
        f"{base(planning)}/absences",
        {"person": "hh-02", "first": "2026-07-13", "last": "2026-07-12"},
        follow_redirects=True,
    )
    assert "the last day is before the first" in backwards.text
    planner_browser.post(f"{base(planning)}/absences/{absence.id}/delete", follow_redirects=True)
    with planning.session() as session:
        assert session.exec(select(Absence)).all() == []


def test_preferences_of_a_person(planning: Planning, planner_browser: Browser) -> None:
    with planning.session() as session:
        person = session.exec(select(Person).where(Person.code == "hh-02")).one()
    page = f"{base(planning)}/people/{person.id}"
    planner_browser.post(
        f"{page}/preferences",
        {"kind": "avoid", "first": "2026-03-16", "last": "2026-03-22", "weight": "2"},
    )
    with planning.session() as session:
        preference = session.exec(select(Preference)).one()
    assert (preference.kind, preference.weight) == ("avoid", 2)
    assert "Liever niet: 16/03/2026 – 22/03/2026" in planner_browser.get(page).text


class TestImport:
    def test_people_from_excel(self, planning: Planning, planner_browser: Browser) -> None:
        data = xlsx(
            ["code", "name", "zone", "qualifications"],
            ["hh-20", "Uit Excel", "HH", "OBP;SB"],
            ["hh-21", "Ook Uit Excel", "HH", "OBP"],
        )
        response = planner_browser.post(
            f"{base(planning)}/import",
            {"what": "people"},
            files={"file": ("mensen.xlsx", data)},
            follow_redirects=True,
        )
        assert "2 toegevoegd, 0 bijgewerkt." in response.text
        assert {"hh-20", "hh-21"} <= people_codes(planning)

    def test_bad_rows_are_named_and_nothing_is_imported(
        self, planning: Planning, planner_browser: Browser
    ) -> None:
        data = xlsx(
            ["code", "name", "zone"],
            ["hh-30", "Goed", "HH"],
            ["hh-31", "Foute zone", "ZZ"],
            [],
            ["hh-01", "Bestaat al", "HH"],
        )
        response = planner_browser.post(
            f"{base(planning)}/import",
            {"what": "people"},
            files={"file": ("mensen.xlsx", data)},
        )
        assert response.status_code == 422
        assert "Niets geïmporteerd" in response.text
        problems = re.findall(r"<li>(rows\[\d+\][^<]*)</li>", response.text)
        assert [problem.split(":")[0] for problem in problems] == ["rows[2].zone", "rows[3]"]
        assert "hh-30" not in people_codes(planning)

    def test_upsert_updates_existing_people(
        self, planning: Planning, planner_browser: Browser
    ) -> None:
        data = b"code,name\nhh-01,Nieuwe Naam\n"
        response = planner_browser.post(
            f"{base(planning)}/import",
            {"what": "people", "upsert": "true"},
            files={"file": ("mensen.csv", data)},
            follow_redirects=True,
        )
        assert "0 toegevoegd, 1 bijgewerkt." in response.text

    def test_absences_from_excel(self, planning: Planning, planner_browser: Browser) -> None:
        data = xlsx(
            ["person", "start", "end", "reason"],
            ["hh-02", datetime(2026, 8, 3), datetime(2026, 8, 17), "zomer"],
            ["rt-01", datetime(2026, 8, 3), datetime(2026, 8, 17), "niet mijn zone"],
        )
        refused = planner_browser.post(
            f"{base(planning)}/import",
            {"what": "absences"},
            files={"file": ("afwezig.xlsx", data)},
        )
        assert refused.status_code == 403
        assert "rows[2]" in refused.text
        with planning.session() as session:
            assert session.exec(select(Absence)).all() == []
        accepted = planner_browser.post(
            f"{base(planning)}/import",
            {"what": "absences"},
            files={
                "file": (
                    "afwezig.xlsx",
                    xlsx(["person", "start", "end"], ["hh-02", "2026-08-03", "2026-08-17"]),
                )
            },
            follow_redirects=True,
        )
        assert "1 toegevoegd" in accepted.text


def test_people_filtered_by_zone_qualification_and_name(
    planning: Planning, planner_browser: Browser
) -> None:
    planner_browser.post(f"{base(planning)}/people", PERSON)
    page = f"{base(planning)}/people"

    def listed(**params: str) -> list[str]:
        text = planner_browser.get(page, params=params).text
        return re.findall(r'<tr><td><a href="[^"]+">([^<]+)</a>', text)

    assert listed(qualification="SB") == ["hh-10"]
    assert (
        '<option value="SB" selected>'
        in planner_browser.get(page, params={"qualification": "SB"}).text
    )
    assert listed(zone="RT") == ["rt-01", "rt-02", "rt-03"]
    assert listed(q="NIEUWE") == ["hh-10"]
    assert len(listed()) == 7
