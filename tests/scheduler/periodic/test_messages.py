"""Notification texts: every event in Dutch and English, the same words in text and HTML,
escaped; unknown events still say what happened."""

from __future__ import annotations

from typing import Any

import pytest

from scheduler.periodic.messages import render

PAYLOADS: dict[str, dict[str, Any]] = {
    "duty.conflict": {
        "duty": "OVW@2026-03-09T08:00",
        "reason": "hh-02 cannot take OVW: sick leave",
        "request": 7,
        "candidates": ["Bert (HH)", "Carla (RT)"],
    },
    "duty.reminder": {
        "role": "Officier van wacht",
        "start": "2026-03-09 08:00",
        "end": "2026-03-16 08:00",
        "handover": ["An Peeters"],
    },
    "swap.reminder": {"request": 7, "shift": "OVW@2026-03-09T08:00", "start": "2026-03-09 08:00"},
    "rota.draft": {
        "start": "2026-04-01",
        "end": "2026-05-01",
        "version": 12,
        "status": "FEASIBLE",
        "uncovered": ["OVW@2026-04-13T08:00"],
        "explanation": "Nobody is available in the week of 13 April.",
    },
    "rota.published": {"start": "2026-04-01", "end": "2026-05-01", "version": 12},
    "rota.failed": {"start": "2026-04-01", "end": "2026-05-01", "error": "no rota found"},
    "swap.applied": {"request": 7, "kind": "giveaway", "shift": "OVW@2026-03-09T08:00",
                     "status": "applied"},
}  # fmt: skip


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("event", sorted(PAYLOADS))
def test_every_event_names_all_its_facts_in_both_parts(event: str, language: str) -> None:
    subject, text, page = render(event, PAYLOADS[event], language=language, name="An")
    assert "—" not in subject + text  # no fact of the payload is missing from the template
    assert "Permanence:" not in subject  # not the generic fallback
    greeting = {"nl": "Beste An,", "en": "Dear An,"}[language]
    assert text.startswith(greeting) and greeting in page
    assert f'<html lang="{language}">' in page


def test_the_two_languages_differ() -> None:
    dutch = render("duty.reminder", PAYLOADS["duty.reminder"], language="nl", name=None)
    english = render("duty.reminder", PAYLOADS["duty.reminder"], language="en", name=None)
    assert dutch[0].startswith("Herinnering") and english[0].startswith("Reminder")
    assert "Overdracht van: An Peeters." in dutch[1]
    assert "Handover from: An Peeters." in english[1]


def test_an_unknown_language_falls_back_to_dutch() -> None:
    assert render("rota.failed", PAYLOADS["rota.failed"], language="fr", name=None)[0] == (
        "Automatische planning 2026-04-01 → 2026-05-01 mislukt"
    )


def test_html_is_escaped() -> None:
    _, text, page = render(
        "rota.failed", {"error": "<script>x</script> & more"}, language="en", name=None
    )
    assert "<script>" in text and "<script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt; &amp; more" in page


def test_an_unknown_event_lists_its_payload() -> None:
    subject, text, _ = render("zone.renamed", {"old": "HH", "new": "HHT"}, language="en", name=None)
    assert subject == "Permanence: zone.renamed"
    assert "new: HHT" in text and "old: HH" in text
