"""The words of notifications: subject and body per event, in Dutch and English.

Bodies are plain text; the HTML part is the same text, escaped, one paragraph
per block, so both parts always say the same thing. Unknown events get a
generic message listing their payload, so nothing is ever dropped for want of
a template.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

LANGUAGES = ("nl", "en")

_TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "duty.conflict": {
        "nl": (
            "Je permanentie {duty} kan niet doorgaan",
            "{reason}\n\nEr is een vervangingsvraag geopend (nummer {request}). "
            "Mogelijke vervangers, best geplaatst eerst: {candidates}.",
        ),
        "en": (
            "Your duty {duty} cannot go ahead",
            "{reason}\n\nA cover request has been opened (number {request}). "
            "Possible replacements, best placed first: {candidates}.",
        ),
    },
    "duty.reminder": {
        "nl": (
            "Herinnering: je {role}-permanentie begint {start}",
            "Je {role}-permanentie begint {start} en loopt tot {end}.\n\n"
            "Overdracht van: {handover}.",
        ),
        "en": (
            "Reminder: your {role} duty starts {start}",
            "Your {role} duty starts {start} and ends {end}.\n\nHandover from: {handover}.",
        ),
    },
    "swap.reminder": {
        "nl": (
            "Wisselvraag {request} staat nog open",
            "De wisselvraag voor {shift} staat nog open; de permanentie begint {start}.",
        ),
        "en": (
            "Swap request {request} is still open",
            "The swap request for {shift} is still open; the duty starts {start}.",
        ),
    },
    "rota.draft": {
        "nl": (
            "Nieuw ontwerprooster {start} → {end}",
            "Er staat een ontwerprooster klaar (versie {version}, {status}).\n\n"
            "Niet ingevulde diensten: {uncovered}.\n\n{explanation}",
        ),
        "en": (
            "New draft rota {start} → {end}",
            "A draft rota is ready (version {version}, {status}).\n\n"
            "Uncovered shifts: {uncovered}.\n\n{explanation}",
        ),
    },
    "rota.published": {
        "nl": (
            "Rooster {start} → {end} gepubliceerd",
            "Het ontwerprooster (versie {version}) dekt elke dienst en voldoet aan alle "
            "regels; het is automatisch gepubliceerd.",
        ),
        "en": (
            "Rota {start} → {end} published",
            "The draft rota (version {version}) covers every shift and passes every rule; "
            "it was published automatically.",
        ),
    },
    "rota.failed": {
        "nl": (
            "Automatische planning {start} → {end} mislukt",
            "De automatische planning kon geen rooster maken: {error}",
        ),
        "en": (
            "Automatic planning {start} → {end} failed",
            "Automatic planning could not make a rota: {error}",
        ),
    },
}

_SWAP = {
    "nl": (
        "Wisselvraag {request}: {status}",
        "Wisselvraag {request} ({kind}) voor {shift} is nu: {status}.",
    ),
    "en": (
        "Swap request {request}: {status}",
        "Swap request {request} ({kind}) for {shift} is now: {status}.",
    ),
}

_GREETING = {"nl": "Beste {name},", "en": "Dear {name},"}
_GENERIC = {"nl": "Permanence: {event}", "en": "Permanence: {event}"}


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "—"


def _text(value: Any) -> str:
    if value is None or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value)
    return str(value)


def render(
    event: str, payload: Mapping[str, Any], *, language: str, name: str | None
) -> tuple[str, str, str]:
    """(subject, plain text, HTML) for ``event`` in ``language`` (``nl`` when unknown)."""
    language = language if language in LANGUAGES else "nl"
    values = _Blank({key: _text(value) for key, value in payload.items()} | {"event": event})
    template = _TEMPLATES.get(event, {}).get(language)
    if template is None and event.startswith("swap."):
        template = _SWAP[language]
    if template is None:
        subject = _GENERIC[language].format_map(values)
        body = "\n".join(f"{key}: {_text(value)}" for key, value in sorted(payload.items()))
    else:
        subject, body = (part.format_map(values) for part in template)
    if name:
        body = _GREETING[language].format(name=name) + "\n\n" + body
    paragraphs = "".join(
        "<p>" + html.escape(block).replace("\n", "<br>") + "</p>" for block in body.split("\n\n")
    )
    page = f'<!doctype html><html lang="{language}"><body>{paragraphs}</body></html>'
    return subject, body + "\n", page
