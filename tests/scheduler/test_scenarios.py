"""Scenario import and export: round trips, refusals that write nothing, replace, horizons."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from scheduler.auth import load_actor
from scheduler.errors import Conflict, Invalid, NotFound, NotPermitted
from scheduler.models import (
    Absence,
    Assignment,
    AuditEvent,
    Cooperation,
    HistoryDuty,
    Person,
    Pin,
    Preference,
    RotaVersion,
    User,
    Zone,
)
from scheduler.services.scenarios import export_scenario, import_scenario, slugify
from solver.demo import demo_scenario
from solver.scenario import Scenario, load_scenario, parse_scenario, scenario_to_data
from tests.factories import make_actor, make_cooperation, make_zone

EVERY_FIELD = Path(__file__).parent / "data" / "every-field.yaml"


@pytest.fixture(scope="module")
def every_field() -> Scenario:
    return load_scenario(EVERY_FIELD)


def changed(scenario: Scenario, **parts: Any) -> Scenario:
    """``scenario`` with some parts replaced, validated like a file."""
    return parse_scenario(scenario_to_data(scenario) | parts)


def export_horizon(session: Session, cooperation: Cooperation, scenario: Scenario) -> Scenario:
    assert cooperation.id is not None
    return export_scenario(
        session=session,
        cooperation_id=cooperation.id,
        start=scenario.horizon.start,
        end=scenario.horizon.end,
    )


def count(session: Session, model: type[SQLModel]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


class TestRoundTrip:
    def test_every_field_comes_back_equal(self, session: Session, every_field: Scenario) -> None:
        cooperation = import_scenario(session=session, scenario=every_field, slug="every")
        exported = export_horizon(session, cooperation, every_field)
        assert parse_scenario(scenario_to_data(exported)) == every_field
        # Not vacuous: every list of the fixture holds something.
        assert all(
            (exported.absences, exported.preferences, exported.fixed, exported.previous),
        )
        assert exported.shift_overrides and exported.history.duties

    @pytest.mark.slow
    def test_demo_scenario_comes_back_equal(self, session: Session) -> None:
        scenario = demo_scenario()
        cooperation = import_scenario(session=session, scenario=scenario, slug="demo-round")
        exported = export_horizon(session, cooperation, scenario)
        assert parse_scenario(scenario_to_data(exported)) == scenario

    def test_the_export_lists_parts_in_file_order(
        self, session: Session, every_field: Scenario
    ) -> None:
        reordered = changed(
            every_field,
            roles=list(reversed(scenario_to_data(every_field)["roles"])),
            previous=list(reversed(scenario_to_data(every_field)["previous"])),
        )
        cooperation = import_scenario(session=session, scenario=reordered, slug="reordered")
        exported = export_horizon(session, cooperation, reordered)
        assert [role.id for role in exported.roles] == ["SB", "OVW"]
        assert exported.previous == reordered.previous

    def test_an_offset_time_is_stored_as_local_wall_clock(
        self, session: Session, every_field: Scenario
    ) -> None:
        # 07:00 UTC is 08:00 in Brussels in March (UTC+1).
        scenario = changed(
            every_field,
            absences=[{"person": "rt-01", "start": "2026-03-10T07:00:00Z", "end": "2026-03-11"}],
        )
        cooperation = import_scenario(session=session, scenario=scenario, slug="offsets")
        row = session.exec(select(Absence).where(Absence.cooperation_id == cooperation.id)).one()
        assert (row.start, row.end, row.whole_days) == (
            datetime(2026, 3, 10, 8, 0),
            datetime(2026, 3, 11, 0, 0),
            False,
        )
        exported = export_horizon(session, cooperation, scenario)
        assert exported.absences[0].start == datetime(2026, 3, 10, 8, 0)
        assert exported.instant(exported.absences[0].start) == scenario.instant(
            scenario.absences[0].start
        )

    def test_previous_becomes_a_published_version_with_loads(
        self, session: Session, every_field: Scenario
    ) -> None:
        cooperation = import_scenario(session=session, scenario=every_field, slug="published")
        version = session.exec(
            select(RotaVersion).where(RotaVersion.cooperation_id == cooperation.id)
        ).one()
        assert (version.status, version.source) == ("published", "import")
        assert (version.horizon_start, version.horizon_end) == (
            date(2026, 1, 5),
            date(2027, 1, 4),
        )
        assert version.rota["format"] == "permanence/rota@1"
        first = version.rota["assignments"][0]
        # OVW Mon 12 Jan 08:00 → Mon 19 Jan: 5 weekdays × 24 h + a weekend × 24 h × (2 + 2.5).
        assert first == {
            "shift": "OVW@2026-01-12T08:00",
            "role": "OVW",
            "start": "2026-01-12T08:00:00+01:00",
            "end": "2026-01-19T08:00:00+01:00",
            "person": "rt-03",
            "zone": "RT",
            "load": 120 + 24 * 2 + 24 * 2.5,
            "fixed": False,
        }
        assignments = session.exec(
            select(Assignment).where(Assignment.version_id == version.id)
        ).all()
        assert [(row.shift, row.fixed) for row in assignments] == [
            ("OVW@2026-01-12T08:00", False),
            ("OVW@2026-01-05T08:00", True),
            ("SB@2026-01-09T17:00", False),
        ]


class TestImport:
    def test_slug_defaults_to_the_slugified_name_and_one_event_is_audited(
        self, session: Session, every_field: Scenario
    ) -> None:
        admin = make_actor(session, role="admin")
        cooperation = import_scenario(session=session, scenario=every_field, actor=admin)
        assert cooperation.slug == "het-houtsche-regio-tielt-2026"
        event = session.exec(
            select(AuditEvent).where(
                AuditEvent.action == "import", AuditEvent.cooperation_id == cooperation.id
            )
        ).one()
        assert event.actor == admin.user.username
        assert event.after is not None
        assert {key: event.after[key] for key in ("zones", "people", "absences", "previous")} == {
            "zones": 2,
            "people": 6,
            "absences": 3,
            "previous": 3,
        }

    @pytest.mark.parametrize(
        ("name", "slug"),
        [("Het Houtsche + Regio Tielt 2026", "het-houtsche-regio-tielt-2026"), ("!!", "scenario")],
    )
    def test_slugify(self, name: str, slug: str) -> None:
        assert slugify(name) == slug

    def test_an_existing_slug_conflicts_and_changes_nothing(
        self, session: Session, every_field: Scenario
    ) -> None:
        import_scenario(session=session, scenario=every_field, slug="taken")
        people = count(session, Person)
        with pytest.raises(Conflict, match="taken"):
            import_scenario(
                session=session, scenario=changed(every_field, name="Other"), slug="taken"
            )
        assert count(session, Person) == people
        row = session.exec(select(Cooperation).where(Cooperation.slug == "taken")).one()
        assert row.name == every_field.name

    def test_only_admins_import(self, session: Session, every_field: Scenario) -> None:
        elsewhere = make_zone(session, cooperation=make_cooperation(session))
        planner = make_actor(session, role="planner", zones=[elsewhere])
        cooperations = count(session, Cooperation)
        with pytest.raises(NotPermitted):
            import_scenario(session=session, scenario=every_field, actor=planner)
        assert count(session, Cooperation) == cooperations

    def test_an_unknown_zone_names_the_field_and_writes_nothing(
        self, session: Session, every_field: Scenario
    ) -> None:
        data = scenario_to_data(every_field)
        data["people"][3]["zone"] = "XX"
        # Built without the parser, as code might: the import checks references itself.
        scenario = Scenario.model_validate(data)
        before = count(session, Cooperation), count(session, Person)
        with pytest.raises(Invalid) as caught:
            import_scenario(session=session, scenario=scenario, slug="bad")
        assert [(item.field, item.message) for item in caught.value.fields] == [
            ("people[3].zone", "unknown zone 'XX'")
        ]
        assert (count(session, Cooperation), count(session, Person)) == before

    def test_a_code_the_database_refuses_names_the_field(
        self, session: Session, every_field: Scenario
    ) -> None:
        data = scenario_to_data(every_field)
        data["zones"].append({"id": "W T", "name": "x" * 201})
        data["people"][2]["qualifications"] = ["S B"]
        with pytest.raises(Invalid) as caught:
            import_scenario(session=session, scenario=parse_scenario(data), slug="codes")
        assert [item.field for item in caught.value.fields] == [
            "zones[2].id",
            "zones[2].name",
            "people[2].qualifications[0]",
        ]
        assert "at most 200 characters" in caught.value.fields[1].message

    def test_a_failure_after_rows_were_written_leaves_nothing(
        self, session: Session, every_field: Scenario
    ) -> None:
        # The previous duty names a Friday SB shift whose template has staff 0: found
        # only at the end of the import, after every other part was written.
        data = scenario_to_data(every_field)
        data["roles"][1]["shifts"][1]["staff"] = 0
        data["previous"] = [{"shift": "SB@2026-01-09T17:00", "person": "rt-01"}]
        scenario = parse_scenario(data)
        before = [count(session, model) for model in (Cooperation, Person, Absence, Pin)]
        with pytest.raises(Invalid) as caught:
            import_scenario(session=session, scenario=scenario, slug="half")
        assert caught.value.fields[0].field == "previous[0].shift"
        assert [count(session, model) for model in (Cooperation, Person, Absence, Pin)] == before

    def test_a_published_duty_on_a_shift_removed_by_an_override_comes_back(
        self, session: Session, every_field: Scenario
    ) -> None:
        scenario = changed(
            every_field, previous=[{"shift": "SB@2026-12-24T17:00", "person": "hh-03"}]
        )
        cooperation = import_scenario(session=session, scenario=scenario, slug="removed")
        duty = session.exec(select(Assignment).where(Assignment.shift == "SB@2026-12-24T17:00"))
        assert duty.one().load == 15 * 4  # 7 h on 24 Dec and 8 h on Christmas, both weight 4
        exported = export_horizon(session, cooperation, scenario)
        assert parse_scenario(scenario_to_data(exported)) == scenario

    def test_duplicate_pins_are_refused(self, session: Session, every_field: Scenario) -> None:
        pin = {"shift": "OVW@2026-01-05T08:00", "person": "hh-01"}
        with pytest.raises(Invalid) as caught:
            import_scenario(
                session=session, scenario=changed(every_field, fixed=[pin, pin]), slug="twice"
            )
        assert caught.value.fields[0].field == "fixed[1]"


class TestReplace:
    def test_replace_keeps_matching_rows_and_links_and_drops_the_rest(
        self, session: Session, every_field: Scenario
    ) -> None:
        cooperation = import_scenario(session=session, scenario=every_field, slug="again")
        hh_01 = session.exec(
            select(Person).where(Person.cooperation_id == cooperation.id, Person.code == "hh-01")
        ).one()
        hh_zone = session.exec(
            select(Zone).where(Zone.cooperation_id == cooperation.id, Zone.code == "HH")
        ).one()
        officer = make_actor(session, role="officer", person=hh_01)
        planner = make_actor(session, role="planner", zones=[hh_zone])

        data = scenario_to_data(every_field)
        data["people"] = [person for person in data["people"] if person["id"] != "hh-02"]
        data["people"][0]["name"] = "An Peeters-Claes"
        data["absences"] = [{"person": "hh-01", "start": "2026-02-02", "end": "2026-02-09"}]
        data["previous"] = []
        replacement = parse_scenario(data)
        again = import_scenario(session=session, scenario=replacement, slug="again", replace=True)

        assert again.id == cooperation.id
        people = session.exec(
            select(Person).where(Person.cooperation_id == cooperation.id).order_by(col(Person.id))
        ).all()
        assert [row.code for row in people] == ["hh-01", "hh-03", "rt-01", "rt-02", "rt-03"]
        assert people[0].id == hh_01.id and people[0].name == "An Peeters-Claes"
        assert session.get(User, officer.user.id).person_id == hh_01.id  # type: ignore[union-attr]
        assert load_actor(session, planner.user).zone_ids == {hh_zone.id}
        absences = session.exec(
            select(Absence).where(Absence.cooperation_id == cooperation.id)
        ).all()
        assert [(row.start, row.end) for row in absences] == [
            (datetime(2026, 2, 2), datetime(2026, 2, 9))
        ]

    def test_replace_refuses_to_drop_people_a_published_rota_names(
        self, session: Session, every_field: Scenario
    ) -> None:
        import_scenario(session=session, scenario=every_field, slug="named")
        # rt-03 holds a published duty (previous); the new file leaves rt-03 out.
        data = scenario_to_data(every_field)
        data["people"] = [person for person in data["people"] if person["id"] != "rt-03"]
        data["previous"] = []
        data["history"]["load"]["people"].pop("rt-03")
        data["name"] = "Renamed"
        before = [count(session, model) for model in (Person, Absence, Pin)]
        with pytest.raises(Conflict, match="rt-03"):
            import_scenario(
                session=session, scenario=parse_scenario(data), slug="named", replace=True
            )
        # The rename and the cleared absences and pins, written before the refusal, are undone.
        assert [count(session, model) for model in (Person, Absence, Pin)] == before
        row = session.exec(select(Cooperation).where(Cooperation.slug == "named")).one()
        session.refresh(row)
        assert row.name == every_field.name

    def test_replace_supersedes_the_published_version_of_the_horizon(
        self, session: Session, every_field: Scenario
    ) -> None:
        cooperation = import_scenario(session=session, scenario=every_field, slug="versions")
        newer = changed(
            every_field, previous=[{"shift": "OVW@2026-01-12T08:00", "person": "hh-01"}]
        )
        import_scenario(session=session, scenario=newer, slug="versions", replace=True)
        versions = session.exec(
            select(RotaVersion)
            .where(RotaVersion.cooperation_id == cooperation.id)
            .order_by(col(RotaVersion.id))
        ).all()
        assert [version.status for version in versions] == ["superseded", "published"]
        exported = export_horizon(session, cooperation, every_field)
        assert parse_scenario(scenario_to_data(exported)) == newer


class TestExportHorizon:
    def test_a_quarter_holds_only_what_touches_its_shifts(
        self, session: Session, every_field: Scenario
    ) -> None:
        cooperation = import_scenario(session=session, scenario=every_field, slug="quarter")
        assert cooperation.id is not None
        quarter = export_scenario(
            session=session,
            cooperation_id=cooperation.id,
            start=date(2026, 1, 5),
            end=date(2026, 4, 6),
        )
        assert quarter.horizon.end == date(2026, 4, 6)
        # Leave in July is out; the March training day and preference are in.
        assert [(entry.person, entry.reason) for entry in quarter.absences] == [
            ("rt-01", "training")
        ]
        assert [entry.kind for entry in quarter.preferences] == ["prefer"]
        assert quarter.shift_overrides == []  # July and December
        assert len(quarter.fixed) == 2 and len(quarter.previous) == 3
        assert quarter.history == every_field.history
        assert quarter.people == every_field.people

    def test_an_absence_after_the_horizon_end_counts_when_a_last_shift_reaches_it(
        self, session: Session, every_field: Scenario
    ) -> None:
        # Horizon ends Tue 2026-03-03: the OVW week starting Mon 2 March runs to 9 March.
        scenario = changed(
            every_field,
            absences=[
                {"person": "hh-01", "start": "2026-03-06", "end": "2026-03-07"},
                {"person": "hh-01", "start": "2026-03-09T08:00", "end": "2026-03-09T12:00"},
            ],
        )
        cooperation = import_scenario(session=session, scenario=scenario, slug="tail")
        assert cooperation.id is not None
        exported = export_scenario(
            session=session,
            cooperation_id=cooperation.id,
            start=date(2026, 1, 5),
            end=date(2026, 3, 3),
        )
        assert [entry.start for entry in exported.absences] == [date(2026, 3, 6)]

    def test_history_duties_after_the_horizon_end_are_left_out(
        self, session: Session, every_field: Scenario
    ) -> None:
        cooperation = import_scenario(session=session, scenario=every_field, slug="early")
        assert cooperation.id is not None
        exported = export_scenario(
            session=session,
            cooperation_id=cooperation.id,
            start=date(2025, 12, 1),
            end=date(2025, 12, 29),
        )
        # The 22 Dec OVW duty and the 24 Dec SB day start before 29 Dec; 2 Jan does not.
        assert [duty.start for duty in exported.history.duties] == [
            datetime(2025, 12, 22, 8, 0),
            date(2025, 12, 24),
        ]
        assert count(session, HistoryDuty) >= 3

    def test_end_not_after_start_is_invalid(self, session: Session, every_field: Scenario) -> None:
        cooperation = import_scenario(session=session, scenario=every_field, slug="backwards")
        assert cooperation.id is not None
        for end in (date(2026, 1, 5), date(2026, 1, 4)):
            with pytest.raises(Invalid) as caught:
                export_scenario(
                    session=session, cooperation_id=cooperation.id, start=date(2026, 1, 5), end=end
                )
            assert caught.value.fields[0].field == "end"

    def test_a_pin_on_a_shift_the_roles_no_longer_make_is_invalid(
        self, session: Session, every_field: Scenario
    ) -> None:
        cooperation = import_scenario(session=session, scenario=every_field, slug="stale")
        pin = session.exec(select(Pin).where(Pin.cooperation_id == cooperation.id)).first()
        assert pin is not None
        pin.shift = "OVW@2026-01-06T08:00"  # a Tuesday: OVW starts on Mondays
        session.add(pin)
        session.commit()
        with pytest.raises(Invalid) as caught:
            export_horizon(session, cooperation, every_field)
        assert caught.value.fields[0].field == "fixed[0].shift"

    def test_officers_may_not_export_and_outsiders_do_not_see_it(
        self, session: Session, every_field: Scenario
    ) -> None:
        cooperation = import_scenario(session=session, scenario=every_field, slug="private")
        assert cooperation.id is not None
        person = session.exec(select(Person).where(Person.cooperation_id == cooperation.id)).first()
        officer = make_actor(session, role="officer", person=person)
        elsewhere = make_zone(session, cooperation=make_cooperation(session))
        outsider = make_actor(session, role="planner", zones=[elsewhere])
        horizon = {"start": date(2026, 1, 5), "end": date(2026, 2, 2)}
        with pytest.raises(NotPermitted):
            export_scenario(
                session=session, cooperation_id=cooperation.id, actor=officer, **horizon
            )
        with pytest.raises(NotFound):
            export_scenario(
                session=session, cooperation_id=cooperation.id, actor=outsider, **horizon
            )

    def test_preferences_come_back_with_kind_and_weight(
        self, session: Session, every_field: Scenario
    ) -> None:
        cooperation = import_scenario(session=session, scenario=every_field, slug="wishes")
        rows = session.exec(
            select(Preference).where(Preference.cooperation_id == cooperation.id)
        ).all()
        assert [(row.kind, row.weight, row.whole_days) for row in rows] == [
            ("avoid", 3, True),
            ("prefer", 1, True),
            ("avoid", 2, False),
        ]
