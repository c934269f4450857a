"""Deterministic demo data: the two-zone cooperation of DESIGN.md, and scaled copies.

``demo_scenario()`` builds the scenario that ``permanence demo``, the examples
and the benchmarks share: PZ Het Houtsche and PZ Regio Tielt pooling an officer
of the watch (OVW), an ICT on-call and a victim-assistance on-call (SB) for the
planning year 2026. The people are fictional; the structure (qualified people
per zone, rules, leave pattern, day weights) is the real one. ``zones=N`` makes
a larger cooperation of N zones sharing the same three roles, for benchmarks.

Everything is a function of the arguments: the only randomness is one
``random.Random(seed)``, and there is no clock, so the same arguments always
give the same scenario.

Choices a planner would ask about:

- The planning year runs from the first Monday of ``year`` to the first Monday
  of the next year (2026-01-05 → 2027-01-04, exactly 52 weeks), so the weekly
  Monday 08:00 handovers tile the year without a partial week at either end.
- The ICT weekend shift is ``P2DT15H`` (Friday 17:00 → Monday 08:00): two
  nominal days plus 15 elapsed hours, so the Monday 08:00 handover holds on
  DST weekends, where ``PT63H`` of elapsed time would end at 07:00 or 09:00.
- Holidays are Belgium's public holidays (``holidays`` package, country BE)
  plus the three regulatory days off of the federal public service that the
  integrated police also observes: 2 November (All Souls), 15 November
  (King's Feast) and 26 December.
- All zones share all three roles with equal ``zone_shares``: the cooperation
  splits each role's load equally per zone, whatever the zone's size.
- Leave is drawn so that every shift keeps at least one more available
  qualified person than the rules make strictly necessary (see
  ``_people_needed``); leave that would break that is moved or shortened.
- A horizon other than the planning year keeps the year's people and history
  and only the absences and preferences that overlap the horizon's shifts.
"""

from __future__ import annotations

import argparse
import random
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Final

from dateutil.easter import easter

from solver.eligibility import Eligibility
from solver.scenario import (
    Absence,
    ActiveWindow,
    CalendarSettings,
    Contact,
    DayWeights,
    Duration,
    History,
    HistoryDuty,
    HistoryLoad,
    Horizon,
    Moment,
    Objective,
    Person,
    Preference,
    Role,
    Rules,
    Scenario,
    ShiftTemplate,
    SolverOptions,
    WeekendRule,
    Zone,
    dump_scenario,
    parse_scenario,
    scenario_to_data,
)
from solver.shifts import ExpandedScenario, Shift, expand_shifts

TIMEZONE: Final = "Europe/Brussels"
MONDAY: Final = 0


@dataclass(frozen=True)
class ZoneProfile:
    """A zone and how many of its people hold each qualification."""

    id: str
    name: str
    officers: int  # OBP: officers of administrative police (commissaris), for OVW
    ict: int  # ICT on-call staff
    victim_assistance: int  # SB-trained staff (one officer also holds SB)


# DESIGN.md, "Demo data": qualified people per zone.
DEMO_ZONES: Final = (
    ZoneProfile("HH", "PZ Het Houtsche", officers=5, ict=3, victim_assistance=7),
    ZoneProfile("RT", "PZ Regio Tielt", officers=6, ict=2, victim_assistance=7),
)

# Further zones for scaled scenarios; the names are invented.
FICTIONAL_ZONES: Final = (
    ("BV", "PZ Beekvallei"),
    ("WH", "PZ Wilgenhoek"),
    ("ML", "PZ Meersenland"),
    ("RG", "PZ Ravelgem"),
    ("HB", "PZ Heidebroek"),
    ("MZ", "PZ Molenzicht"),
    ("ZS", "PZ Zwaluwstreek"),
    ("KH", "PZ Kasteelhoek"),
    ("VD", "PZ Vijverdal"),
    ("KV", "PZ Klaverveld"),
    ("ER", "PZ Eikenrode"),
    ("BH", "PZ Berkenhof"),
    ("LO", "PZ Linde-Oost"),
    ("OV", "PZ Ooievaarsveld"),
)

FIRST_NAMES: Final = (
    "An", "Bart", "Bram", "Carine", "Dirk", "Els", "Elke", "Filip", "Geert", "Griet",
    "Hilde", "Inge", "Jan", "Jef", "Joke", "Jonas", "Karel", "Katrien", "Koen", "Lien",
    "Lies", "Lotte", "Marc", "Marijke", "Nele", "Pieter", "Ruben", "Sander", "Sofie", "Stijn",
    "Tine", "Tom", "Veerle", "Wim", "Wouter", "Yves", "Annelies", "Hannes", "Ilse", "Thijs",
)  # fmt: skip
LAST_NAMES: Final = (
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
    "Wouters", "De Smet", "Vermeulen", "Van Damme", "De Vos", "Declercq", "Verhaeghe",
    "Vandenberghe", "Deconinck", "Vanneste", "Lambrecht", "Claeys", "Verstraete", "Vanhoutte",
    "Demeyere", "Decock", "Vercruysse", "Debruyne", "Vandewalle", "Coppens", "Hoste",
    "Dewulf", "Boone", "Callewaert", "Vanhaverbeke", "Dhondt", "Degroote", "Tanghe",
    "Vermeersch", "Bogaert", "Van Hecke", "Soenen",
)  # fmt: skip

OFFICER, ICT, VICTIM_ASSISTANCE = "OBP", "ICT", "SB"

DAY_WEIGHTS: Final = DayWeights(weekday=1, saturday=2, sunday=2, holiday=3)
SPECIAL_DAY_WEIGHT: Final = 4.0
# (month, day): Christmas Eve, Christmas, New Year's Eve, New Year's Day.
SPECIAL_DAYS: Final = ((12, 24), (12, 25), (12, 31), (1, 1))
# (month, day): All Souls, King's Feast, Boxing Day — federal/police regulatory days off.
REGULATORY_HOLIDAYS: Final = ((11, 2), (11, 15), (12, 26))

RULES: Final = Rules(
    min_rest=Duration(days=0, seconds=11 * 3600),
    max_concurrent=1,
    weekends=WeekendRule(max=2, window=3),
)
PRIORITIES: Final = ("coverage", "stability", "zone_fairness", "person_fairness", "preferences")

WEEK: Final = timedelta(days=7)
# Every shift lies within this many days after its start (the weekly roles).
LONGEST_SHIFT: Final = timedelta(days=7)


def first_monday(year: int) -> date:
    january_first = date(year, 1, 1)
    return january_first + timedelta(days=(MONDAY - january_first.weekday()) % 7)


def planning_year(year: int) -> Horizon:
    """First Monday of ``year`` → first Monday of the next year."""
    return Horizon(start=first_monday(year), end=first_monday(year + 1))


def demo_scenario(
    *,
    zones: int = 2,
    year: int = 2026,
    seed: int = 2026,
    horizon_start: date | None = None,
    horizon_end: date | None = None,
) -> Scenario:
    """The demo cooperation of ``zones`` zones for the planning year ``year``.

    ``horizon_start``/``horizon_end`` narrow the horizon (e.g. a quarter); they
    default to the planning year. The horizon may not start before the planning
    year, because the history (duties of late December) lies just before it.
    """
    if zones < 1:
        raise ValueError("zones must be at least 1")
    year_span = planning_year(year)
    horizon = Horizon(
        start=horizon_start or year_span.start,
        end=horizon_end or year_span.end,
    )
    if horizon.start < year_span.start:
        raise ValueError(f"the horizon may not start before the planning year ({year_span.start})")

    rng = random.Random(seed)
    profiles = _zone_profiles(zones, rng)
    people = _people(profiles, year, rng)
    year_scenario = Scenario(
        name=_name(profiles, year),
        timezone=TIMEZONE,
        horizon=year_span,
        calendar=_calendar(year_span.start, year_span.end + LONGEST_SHIFT),
        zones=[Zone(id=profile.id, name=profile.name) for profile in profiles],
        roles=_roles(profiles),
        people=people,
        rules=RULES,
        objective=Objective(priorities=list(PRIORITIES)),
        solver=SolverOptions(time_limit=60, workers=8, seed=1),
    )
    year_shifts = expand_shifts(year_scenario)
    history = _history(year_scenario, year_shifts, rng)
    absences = _absences(year_scenario, year_shifts, history, rng)
    preferences = _preferences(people, year, rng)

    name = year_scenario.name
    if horizon != year_span:
        name += f", {horizon.start} to {horizon.end}"
    narrowed = year_scenario.model_copy(
        update={
            "name": name,
            "horizon": horizon,
            "calendar": _calendar(horizon.start, horizon.end + LONGEST_SHIFT),
        }
    )
    horizon_shifts = expand_shifts(narrowed)
    first = min((shift.start for shift in horizon_shifts), default=narrowed.instant(horizon.start))
    last = max((shift.end for shift in horizon_shifts), default=first)

    def overlaps(start: Moment, end: Moment) -> bool:
        return narrowed.instant(start) < last and first < narrowed.instant(end)

    scenario = narrowed.model_copy(
        update={
            "absences": [entry for entry in absences if overlaps(entry.start, entry.end)],
            "preferences": [entry for entry in preferences if overlaps(entry.start, entry.end)],
            "history": history,
        }
    )
    # One pass through the public parser checks every reference and makes the
    # result identical to what a file written from it reads back as.
    return parse_scenario(scenario_to_data(scenario))


# --- Structure: zones, roles, calendar -------------------------------------------------------


def _zone_profiles(count: int, rng: random.Random) -> list[ZoneProfile]:
    profiles = list(DEMO_ZONES[:count])
    for index in range(len(profiles), count):
        extra = index - len(DEMO_ZONES)
        if extra < len(FICTIONAL_ZONES):
            zone_id, name = FICTIONAL_ZONES[extra]
        else:
            zone_id, name = f"Z{index + 1}", f"PZ Zone {index + 1}"
        profiles.append(
            ZoneProfile(
                zone_id,
                name,
                officers=rng.choice((5, 6)),
                ict=rng.choice((2, 3)),
                victim_assistance=rng.choice((6, 7, 8)),
            )
        )
    return profiles


def _name(profiles: Sequence[ZoneProfile], year: int) -> str:
    if len(profiles) <= 2:
        return f"{' + '.join(profile.name for profile in profiles)} {year}"
    return f"Demo cooperation of {len(profiles)} police zones {year}"


def _roles(profiles: Sequence[ZoneProfile]) -> list[Role]:
    equal_shares = {profile.id: 1.0 for profile in profiles}
    weekly = ShiftTemplate(
        rrule="FREQ=WEEKLY;BYDAY=MO", start=time(8), duration=Duration(days=7, seconds=0)
    )
    return [
        Role(
            id="OVW",
            name="Officier van wacht",
            requires=[OFFICER],
            shifts=[weekly],
            zone_shares=equal_shares,
            min_gap=Duration(days=21, seconds=0),
        ),
        Role(
            id="ICT",
            name="ICT-permanentie",
            requires=[ICT],
            shifts=[
                ShiftTemplate(
                    rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH",
                    start=time(17),
                    duration=Duration(days=0, seconds=15 * 3600),
                ),
                ShiftTemplate(
                    rrule="FREQ=WEEKLY;BYDAY=FR",
                    start=time(17),
                    duration=Duration(days=2, seconds=15 * 3600),
                ),
            ],
            zone_shares=equal_shares,
        ),
        Role(
            id="SB",
            name="Slachtofferbejegening",
            requires=[VICTIM_ASSISTANCE],
            shifts=[weekly],
            zone_shares=equal_shares,
            min_gap=Duration(days=14, seconds=0),
        ),
    ]


def _calendar(first_day: date, last_day: date) -> CalendarSettings:
    """BE holidays plus the regulatory ones and special days in ``[first_day, last_day]``."""

    def days_between(month_days: Iterable[tuple[int, int]]) -> list[date]:
        candidates = (
            date(year, month, day)
            for year in range(first_day.year, last_day.year + 1)
            for month, day in month_days
        )
        return sorted(day for day in candidates if first_day <= day <= last_day)

    return CalendarSettings(
        country="BE",
        extra_holidays=days_between(REGULATORY_HOLIDAYS),
        day_weights=DAY_WEIGHTS,
        special_days={day: SPECIAL_DAY_WEIGHT for day in days_between(SPECIAL_DAYS)},
    )


# --- People ----------------------------------------------------------------------------------


def _people(profiles: Sequence[ZoneProfile], year: int, rng: random.Random) -> list[Person]:
    names = _names(sum(_zone_size(profile) for profile in profiles), rng)
    people: list[Person] = []
    for zone_index, profile in enumerate(profiles):
        zone_names = names[len(people) : len(people) + _zone_size(profile)]
        people.extend(_zone_people(profile, zone_index, zone_names, year, rng))
    return people


def _names(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """``count`` distinct full names; first and last names repeat only every 40 people."""
    size = min(len(FIRST_NAMES), len(LAST_NAMES))
    if count > size * size:
        raise ValueError(f"not enough fictional names for {count} people")
    first_names = rng.sample(FIRST_NAMES, size)
    last_names = rng.sample(LAST_NAMES, size)
    # Round r pairs first name i with last name i + r, so no pair comes twice.
    return [
        (first_names[index % size], last_names[(index + index // size) % size])
        for index in range(count)
    ]


def _zone_size(profile: ZoneProfile) -> int:
    # One officer also holds SB, so they count in both columns of the table.
    return profile.officers + profile.ict + profile.victim_assistance - 1


def _zone_people(
    profile: ZoneProfile,
    zone_index: int,
    names: Sequence[tuple[str, str]],
    year: int,
    rng: random.Random,
) -> list[Person]:
    qualifications = (
        [[OFFICER]] * (profile.officers - 1)
        + [[OFFICER, VICTIM_ASSISTANCE]]
        + [[ICT]] * profile.ict
        + [[VICTIM_ASSISTANCE]] * (profile.victim_assistance - 1)
    )
    only_officers = [index for index, held in enumerate(qualifications) if held == [OFFICER]]
    only_victim_assistance = [
        index for index, held in enumerate(qualifications) if held == [VICTIM_ASSISTANCE]
    ]

    # Two part-timers per zone among the larger pools; the small ICT pools stay full-time.
    part_timers = rng.sample(only_officers + only_victim_assistance, 2)
    fte = dict(zip(part_timers, (0.8, rng.choice((0.8, 0.5))), strict=True))
    # Even zones lose an officer in autumn; odd zones gain an SB member in spring.
    active: dict[int, ActiveWindow] = {}
    if zone_index % 2 == 0:
        active[rng.choice(only_officers)] = ActiveWindow(end=date(year, 10, 1))
    else:
        active[rng.choice(only_victim_assistance)] = ActiveWindow(start=date(year, 4, 1))

    people = []
    for index, (held, (first, last)) in enumerate(zip(qualifications, names, strict=True)):
        person_id = f"{profile.id.lower()}-{index + 1:02d}"
        people.append(
            Person(
                id=person_id,
                name=f"{first} {last}",
                zone=profile.id,
                qualifications=held,
                fte=fte.get(index, 1.0),
                active=active.get(index),
                contact=Contact(
                    phone=f"+32 50 00 {zone_index + 1:02d} {index + 1:02d}",
                    email=f"{_mail_part(first)}.{_mail_part(last)}@example.org",
                ),
            )
        )
    return people


def _mail_part(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(char for char in ascii_name.lower() if char.isalnum())


# --- History: the end of the previous year ---------------------------------------------------


def _history(scenario: Scenario, year_shifts: Sequence[Shift], rng: random.Random) -> History:
    """A ledger as if the previous year had been planned, and its last few duties.

    Each zone carried about its equal share of each role's yearly load (±4 %),
    spread over its people by fte (±15 %); people who join during the year
    carry nothing. The duties of the last weeks before the year make the
    boundary rules (gap, rest, weekends) bite in early January.
    """
    start = scenario.horizon.start
    present = [person for person in scenario.people if _active_on(person, start)]
    zone_loads: dict[str, dict[str, float]] = {zone.id: {} for zone in scenario.zones}
    people_loads: dict[str, dict[str, float]] = {}
    for role in scenario.roles:
        yearly = sum(shift.load * shift.staff for shift in year_shifts if shift.role == role.id)
        for zone in scenario.zones:
            carried = round(yearly / len(scenario.zones) * rng.uniform(0.96, 1.04))
            zone_loads[zone.id][role.id] = float(carried)
            holders = [
                person
                for person in present
                if person.zone == zone.id and set(role.requires) <= set(person.qualifications)
            ]
            weights = [person.fte * rng.uniform(0.85, 1.15) for person in holders]
            remaining = carried
            for position, (person, weight) in enumerate(zip(holders, weights, strict=True)):
                if position == len(holders) - 1:
                    share = remaining
                else:
                    share = round(carried * weight / sum(weights))
                    remaining -= share
                people_loads.setdefault(person.id, {})[role.id] = float(share)

    tz = scenario.tz
    duties: list[HistoryDuty] = []
    used: set[str] = set()

    def pick(qualification: str) -> str:
        choices = [
            person.id
            for person in present
            if qualification in person.qualifications and person.id not in used
        ]
        chosen = rng.choice(choices)
        used.add(chosen)
        return chosen

    def add_duty(role_id: str, person_id: str, local_start: datetime, template_index: int) -> None:
        template = scenario.role(role_id).shifts[template_index]
        end = template.duration.after(scenario.instant(local_start), tz)
        duties.append(
            HistoryDuty(
                role=role_id,
                person=person_id,
                start=local_start,
                end=end.replace(tzinfo=None),
            )
        )

    for weeks_before, role_id, qualification in (
        (3, "OVW", OFFICER),
        (2, "OVW", OFFICER),
        (1, "OVW", OFFICER),
        (2, "SB", VICTIM_ASSISTANCE),
        (1, "SB", VICTIM_ASSISTANCE),
    ):
        monday = datetime.combine(start - weeks_before * WEEK, time(8))
        add_duty(role_id, pick(qualification), monday, 0)
    # The last ICT week: two people alternate the nights, a third takes the weekend.
    night_a, night_b, weekend = pick(ICT), pick(ICT), pick(ICT)
    last_monday = start - WEEK
    for day in range(4):
        night = datetime.combine(last_monday + timedelta(days=day), time(17))
        add_duty("ICT", night_a if day % 2 == 0 else night_b, night, 0)
    add_duty("ICT", weekend, datetime.combine(last_monday + timedelta(days=4), time(17)), 1)

    duties.sort(key=lambda duty: (duty.start, duty.role))
    return History(load=HistoryLoad(people=people_loads, zones=zone_loads), duties=duties)


def _active_on(person: Person, day: date) -> bool:
    window = person.active
    if window is None:
        return True
    return (window.start is None or window.start <= day) and (
        window.end is None or day < window.end
    )


# --- Absences: leave clustered in July–August, some training ---------------------------------


class _Staffing:
    """Available qualified people per shift, kept above a floor while leave is drawn.

    The scenario has no absences yet: ``Eligibility`` gives who holds the
    qualifications and is active for each shift; each recorded absence then
    takes its person off the shifts it overlaps.
    """

    def __init__(self, scenario: Scenario, shifts: Sequence[Shift], history: History) -> None:
        self._scenario = scenario
        self._shifts = shifts
        eligibility = Eligibility(ExpandedScenario(scenario=scenario, shifts=list(shifts)))
        self._available: dict[str, set[int]] = {person.id: set() for person in scenario.people}
        counts = [0] * len(shifts)
        for index, shift in enumerate(shifts):
            for person_id in eligibility.people_for(shift.id):
                self._available[person_id].add(index)
                counts[index] += 1
        self._counts = counts
        # One spare person above what the rules strictly need, where the roster allows.
        needed = _people_needed(scenario, shifts)
        self._floor = [min(count, need + 1) for count, need in zip(counts, needed, strict=True)]
        self._busy: dict[str, list[tuple[datetime, datetime]]] = {}
        for duty in history.duties:
            self._busy.setdefault(duty.person, []).append(
                (scenario.instant(duty.start), scenario.instant(duty.end))
            )

    def spare(self, person: Person, start: date, end: date) -> int | None:
        """How many people above the floor the absence ``[start, end)`` would leave on
        the tightest shift it touches; ``None`` if it cannot be taken."""
        if not (_active_on(person, start) and _active_on(person, end - timedelta(days=1))):
            return None
        begin, finish = self._scenario.instant(start), self._scenario.instant(end)
        if any(
            begin < other_end and other_start < finish
            for other_start, other_end in self._busy.get(person.id, [])
        ):
            return None
        margins = [
            self._counts[index] - 1 - self._floor[index] for index in self._hit(person, start, end)
        ]
        tightest = min(margins, default=len(self._scenario.people))
        return tightest if tightest >= 0 else None

    def record(self, person: Person, start: date, end: date) -> None:
        hit = self._hit(person, start, end)
        for index in hit:
            self._counts[index] -= 1
        self._available[person.id] -= hit
        self._busy.setdefault(person.id, []).append(
            (self._scenario.instant(start), self._scenario.instant(end))
        )

    def _hit(self, person: Person, start: date, end: date) -> set[int]:
        begin, finish = self._scenario.instant(start), self._scenario.instant(end)
        return {
            index
            for index in self._available[person.id]
            if self._shifts[index].overlaps(begin, finish)
        }


def _people_needed(scenario: Scenario, shifts: Sequence[Shift]) -> list[int]:
    """For each shift, how many distinct people the rules force around it.

    Nobody may take two shifts of a role when the second starts before the first
    ends plus the role's minimum gap (or the minimum rest, whichever is longer),
    so the shifts starting in that window need that many different people:
    4 for weekly OVW (21-day gap), 3 for weekly SB (14 days), 2 for ICT nights
    (11 h rest after a 08:00 handover rules out the next evening).
    """
    rest = scenario.rules.min_rest
    needed = []
    for shift in shifts:
        role = scenario.role(shift.role)
        gap = role.min_gap.after(shift.end, scenario.tz) if role.min_gap else shift.end
        if rest is not None:
            gap = max(gap, rest.after(shift.end, scenario.tz))
        needed.append(
            sum(
                1
                for other in shifts
                if other.role == shift.role and shift.start <= other.start < gap
            )
        )
    return needed


def _absences(
    scenario: Scenario, shifts: Sequence[Shift], history: History, rng: random.Random
) -> list[Absence]:
    """Two or three weeks of summer leave each, some school-holiday weeks and training days.

    Summer leave goes where it leaves the most people available (ties drawn at
    random), members of the smallest pools (ICT) first, so that everybody gets
    some; other leave and training are taken only where staffing allows.
    """
    year = scenario.horizon.start.year
    staffing = _Staffing(scenario, shifts, history)
    absences: list[Absence] = []
    order = list(scenario.people)
    rng.shuffle(order)
    order.sort(key=lambda person: _smallest_pool(scenario, person))

    # Whole weeks that overlap the school summer holidays (1 July – 31 August).
    # Everyone first gets two weeks where they leave the most people available
    # (ties drawn at random); then those who want three add a week on either side.
    summer_start = _monday_on_or_before(date(year, 7, 1))
    summer_end = _monday_on_or_after(date(year, 9, 1))
    summer: dict[str, tuple[date, date]] = {}
    for person in order:
        for weeks in (2, 1):
            starts = [
                summer_start + offset * WEEK
                for offset in range((summer_end - summer_start) // WEEK - weeks + 1)
            ]
            rng.shuffle(starts)
            best = _most_spare(
                staffing, person, [(start, start + weeks * WEEK) for start in starts]
            )
            if best is not None:
                staffing.record(person, *best)
                summer[person.id] = best
                break
    for person in order:
        if person.id in summer and rng.random() < 2 / 3:
            start, end = summer[person.id]
            extensions = [(end, end + WEEK), (start - WEEK, start)]
            rng.shuffle(extensions)
            inside = [
                span for span in extensions if summer_start <= span[0] and span[1] <= summer_end
            ]
            extra = _most_spare(staffing, person, inside)
            if extra is not None:
                staffing.record(person, *extra)
                summer[person.id] = (min(start, extra[0]), max(end, extra[1]))
    absences.extend(
        Absence(person=person_id, start=start, end=end, reason="leave")
        for person_id, (start, end) in summer.items()
    )

    easter_monday = easter(year) + timedelta(days=1)
    christmas_week = _monday_on_or_before(date(year, 12, 24))
    holiday_weeks = [
        _monday_on_or_after(date(year, 2, 15)),  # spring half-term (krokusvakantie)
        easter_monday,
        easter_monday + WEEK,
        _monday_on_or_before(date(year, 11, 1)),  # autumn half-term (herfstvakantie)
        christmas_week,
        christmas_week + WEEK,
    ]
    for person in order:
        if rng.random() < 0.4:
            start = rng.choice(holiday_weeks)
            if staffing.spare(person, start, start + WEEK) is not None:
                staffing.record(person, start, start + WEEK)
                absences.append(
                    Absence(person=person.id, start=start, end=start + WEEK, reason="leave")
                )

    training_months = (2, 3, 4, 5, 6, 9, 10, 11)
    for person in order:
        if rng.random() < 0.35:
            days = rng.choice((1, 2))
            first_of_month = date(year, rng.choice(training_months), 1)
            # A weekday in the month's first three weeks; two days stay within the week.
            start = _monday_on_or_after(first_of_month) + timedelta(
                days=7 * rng.randrange(3) + rng.randrange(5 - days + 1)
            )
            end = start + timedelta(days=days)
            if staffing.spare(person, start, end) is not None:
                staffing.record(person, start, end)
                absences.append(Absence(person=person.id, start=start, end=end, reason="training"))

    absences.sort(key=lambda absence: (absence.person, absence.start))
    return absences


def _most_spare(
    staffing: _Staffing, person: Person, spans: Sequence[tuple[date, date]]
) -> tuple[date, date] | None:
    """The span whose absence leaves the most people available (the first of equals)."""
    options = [
        (spare, span) for span in spans if (spare := staffing.spare(person, *span)) is not None
    ]
    return max(options, key=lambda option: option[0])[1] if options else None


def _smallest_pool(scenario: Scenario, person: Person) -> int:
    """The size of the smallest pool of qualified people the person belongs to."""
    sizes = [
        sum(set(role.requires) <= set(other.qualifications) for other in scenario.people)
        for role in scenario.roles
        if set(role.requires) <= set(person.qualifications)
    ]
    return min(sizes, default=len(scenario.people))


def _preferences(people: Sequence[Person], year: int, rng: random.Random) -> list[Preference]:
    """A few soft wishes per zone: Christmas week off, a free weekend, a preferred week."""
    christmas_week = _monday_on_or_before(date(year, 12, 24))
    year_end = first_monday(year + 1)
    preferences: list[Preference] = []
    for zone in dict.fromkeys(person.zone for person in people):
        members = [person for person in people if person.zone == zone]
        christmas, weekend, preferred = rng.sample(members, 3)
        preferences.append(
            Preference(
                person=christmas.id, start=christmas_week, end=year_end, kind="avoid", weight=3
            )
        )
        saturday = _monday_on_or_after(date(year, rng.choice((3, 5, 9, 10)), 1)) + timedelta(
            days=5 + 7 * rng.randrange(3)
        )
        preferences.append(
            Preference(
                person=weekend.id,
                start=saturday,
                end=saturday + timedelta(days=2),
                kind="avoid",
                weight=2,
            )
        )
        monday = _monday_on_or_after(date(year, rng.choice((2, 3, 10, 11)), 1))
        preferences.append(
            Preference(person=preferred.id, start=monday, end=monday + WEEK, kind="prefer")
        )
    preferences.sort(key=lambda preference: (preference.person, preference.start))
    return preferences


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(MONDAY - day.weekday()) % 7)


def _monday_on_or_before(day: date) -> date:
    return day - timedelta(days=day.weekday())


# --- Regeneration: python -m solver.demo --zones 2 --out examples/demo-2026.yaml --------------


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m solver.demo", description="Write a deterministic demo scenario."
    )
    parser.add_argument("--zones", type=int, default=2)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--start", type=date.fromisoformat, help="horizon start (YYYY-MM-DD)")
    parser.add_argument("--end", type=date.fromisoformat, help="horizon end (YYYY-MM-DD)")
    parser.add_argument("--out", type=Path, required=True, help="a .yaml or .json file")
    arguments = parser.parse_args(argv)
    scenario = demo_scenario(
        zones=arguments.zones,
        year=arguments.year,
        seed=arguments.seed,
        horizon_start=arguments.start,
        horizon_end=arguments.end,
    )
    dump_scenario(scenario, arguments.out)


if __name__ == "__main__":
    main()
