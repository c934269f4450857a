"""From published rota states to a feed's events, with SEQUENCE and LAST-MODIFIED.

The input is the history of what was published: a list of snapshots, each the
time it was published and every staffed shift then. From it come a feed's
events and, per event, how often it changed:

- SEQUENCE counts the snapshots in which the event's time or people changed
  (disappearing and coming back count too), so a swap bumps it;
- LAST-MODIFIED is the publish time of the snapshot where the event's current
  content first appeared, which includes the handover neighbours shown in its
  description (a swap next door changes the text, not the sequence).

Nothing here reads a clock: the same history always gives the same events.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from calendars.feed import Contact, FeedDuty, FeedKind, event_uid


@dataclass(frozen=True)
class Staffed:
    """A shift and the people on it in one published state: ``(person code, zone)`` pairs."""

    shift: str
    role: str
    start: datetime
    end: datetime
    people: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Snapshot:
    """Every staffed shift as published at ``published_at``."""

    published_at: datetime
    shifts: Mapping[str, Staffed]


@dataclass(frozen=True)
class Person:
    """What a feed shows of a person besides their zone (which comes with each duty)."""

    name: str
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Revision:
    sequence: int
    last_modified: datetime


@dataclass(frozen=True)
class _EventState:
    staffed: Staffed
    people: tuple[tuple[str, str], ...]
    previous: tuple[tuple[str, str], ...]
    following: tuple[tuple[str, str], ...]

    @property
    def core(self) -> Hashable:
        return (self.staffed.start, self.staffed.end, self.people)

    @property
    def full(self) -> Hashable:
        return (self.core, self.previous, self.following)


Key = TypeVar("Key", bound=Hashable)


def revisions(
    history: Iterable[tuple[datetime, Mapping[Key, tuple[Hashable, Hashable]]]],
) -> dict[Key, Revision]:
    """Per key of the last state: its sequence and when its content last changed.

    Each state maps a key to ``(core, full)``: a change of ``core`` bumps the
    sequence and the modification time, a change of ``full`` only the time.
    """
    found: dict[Key, Revision] = {}
    before: Mapping[Key, tuple[Hashable, Hashable]] = {}
    for published_at, state in history:
        for key in before.keys() | state.keys():
            old, new = before.get(key), state.get(key)
            revision = found.get(key)
            if revision is None:
                if new is not None:
                    found[key] = Revision(0, published_at)
            elif (old[0] if old else None) != (new[0] if new else None):
                found[key] = Revision(revision.sequence + 1, published_at)
            elif old != new:
                found[key] = Revision(revision.sequence, published_at)
        before = state
    return {key: found[key] for key in before}


def _event_states(
    shifts: Mapping[str, Staffed], *, kind: FeedKind, subject: str | None
) -> dict[str, _EventState]:
    """The events of one feed in one state, keyed by their UID stem parts."""
    by_role: dict[str, list[Staffed]] = defaultdict(list)
    for staffed in shifts.values():
        by_role[staffed.role].append(staffed)
    states: dict[str, _EventState] = {}
    for role, role_shifts in by_role.items():
        if kind == "role" and role != subject:
            continue
        role_shifts.sort(key=lambda staffed: (staffed.start, staffed.shift))
        for index, staffed in enumerate(role_shifts):
            previous = role_shifts[index - 1].people if index > 0 else ()
            following = role_shifts[index + 1].people if index + 1 < len(role_shifts) else ()
            if kind == "person":
                people = tuple(pair for pair in staffed.people if pair[0] == subject)
            elif kind == "zone":
                people = tuple(pair for pair in staffed.people if pair[1] == subject)
            else:
                people = staffed.people
            if people:
                states[staffed.shift] = _EventState(staffed, people, previous, following)
    return states


def feed_duties(
    history: Sequence[Snapshot],
    *,
    kind: FeedKind,
    subject: str | None,
    domain: str,
    people: Mapping[str, Person],
    role_names: Mapping[str, str],
    since: datetime | None = None,
) -> list[FeedDuty]:
    """The events of a feed in the last snapshot (those ending after ``since``).

    ``subject`` is the person code, role code or zone code the feed is about
    (none for a cooperation feed). People missing from ``people`` are shown by
    their code.
    """
    if not history:
        return []
    states = [_event_states(snapshot.shifts, kind=kind, subject=subject) for snapshot in history]
    found = revisions(
        (
            snapshot.published_at,
            {shift: (state.core, state.full) for shift, state in state_map.items()},
        )
        for snapshot, state_map in zip(history, states, strict=True)
    )

    def contacts(pairs: tuple[tuple[str, str], ...]) -> tuple[Contact, ...]:
        shown = []
        for code, zone in pairs:
            person = people.get(code, Person(name=code))
            shown.append(Contact(person.name, zone, person.phone, person.email))
        return tuple(shown)

    duties = []
    for shift, state in states[-1].items():
        staffed = state.staffed
        if since is not None and staffed.end <= since:
            continue
        revision = found[shift]
        duties.append(
            FeedDuty(
                uid=event_uid(
                    kind=kind,
                    shift=shift,
                    domain=domain,
                    part=subject if kind in ("person", "zone") else None,
                ),
                role=staffed.role,
                role_name=role_names.get(staffed.role, staffed.role),
                start=staffed.start,
                end=staffed.end,
                people=contacts(state.people),
                sequence=revision.sequence,
                last_modified=revision.last_modified,
                previous=contacts(state.previous),
                following=contacts(state.following),
            )
        )
    return duties
