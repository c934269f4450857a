"""The words of a feed in the deployment's language (Dutch or English).

Dates are spelled out here rather than with ``strftime`` so the output does
not depend on the machine's locale.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

Language = Literal["nl", "en"]

PHRASES: dict[Language, dict[str, str]] = {
    "nl": {
        "my_duty": "Permanentie {role}",
        "role": "Rol",
        "from": "Van",
        "until": "Tot",
        "on_duty": "Van dienst",
        "handover_from": "Overname van",
        "takes_over": "Overdracht aan",
        "person_feed": "Mijn permanenties — {name}",
        "role_feed": "Permanentie {name}",
        "zone_feed": "Permanenties {name}",
        "cooperation_feed": "Permanenties {name}",
    },
    "en": {
        "my_duty": "On call: {role}",
        "role": "Role",
        "from": "From",
        "until": "Until",
        "on_duty": "On duty",
        "handover_from": "Takes over from",
        "takes_over": "Hands over to",
        "person_feed": "My on-call duties — {name}",
        "role_feed": "On call: {name}",
        "zone_feed": "On-call duties {name}",
        "cooperation_feed": "On-call duties {name}",
    },
}

WEEKDAYS: dict[Language, tuple[str, ...]] = {
    "nl": ("ma", "di", "wo", "do", "vr", "za", "zo"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}

MONTHS: dict[Language, tuple[str, ...]] = {
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def phrase(language: Language, key: str, **values: str) -> str:
    return PHRASES[language][key].format(**values)


def local_time(moment: datetime, zone: ZoneInfo, language: Language) -> str:
    """``ma 30 mrt 2026 08:00`` — the wall-clock time in ``zone``."""
    local = moment.astimezone(zone)
    weekday = WEEKDAYS[language][local.weekday()]
    month = MONTHS[language][local.month - 1]
    return f"{weekday} {local.day} {month} {local.year} {local:%H:%M}"
