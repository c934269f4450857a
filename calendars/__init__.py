"""Permanence calendars: a pure library that renders duties as iCalendar feeds."""
