"""Words and formats: every message the templates use exists in Dutch and English; dates
dd/mm/yyyy and 24-hour times in the cooperation's time zone, across DST."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from scheduler.web.i18n import MESSAGES, format_date, format_datetime, format_time, translate
from scheduler.web.rendering import TEMPLATES
from tests.scheduler.conftest import Planning
from tests.scheduler.web.conftest import Browser

KEY = re.compile(r"""t\(\s*['"]([a-z_.]+)['"]""")
PREFIXES = re.compile(r"""t\(\s*['"]([a-z_.]+\.)['"]\s*~""")


def test_every_message_used_by_a_template_exists_in_both_languages() -> None:
    used: set[str] = set()
    prefixes: set[str] = set()
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        used |= set(KEY.findall(text))
        prefixes |= set(PREFIXES.findall(text))
    assert used, "no messages found: the pattern is wrong"
    missing = sorted(key for key in used if key not in MESSAGES and not key.endswith("."))
    assert missing == []
    for prefix in prefixes:
        assert any(key.startswith(prefix) for key in MESSAGES), prefix
    for key, (dutch, english) in MESSAGES.items():
        assert dutch.strip() and english.strip(), key
        assert re.findall(r"{(\w+)}", dutch) == re.findall(r"{(\w+)}", english), key


def test_translate_fills_in_and_shows_unknown_keys() -> None:
    assert translate("nl", "job.title", id=4) == "Berekening 4"
    assert translate("en", "job.title", id=4) == "Run 4"
    assert translate("en", "no.such.key") == "no.such.key"


def test_belgian_formats_in_winter_and_summer_time() -> None:
    winter = datetime(2026, 3, 29, 0, 59, tzinfo=UTC)  # 01:59 CET, the last minute of winter
    summer = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 03:00 CEST
    assert format_datetime(winter, "Europe/Brussels") == "29/03/2026 01:59"
    assert format_datetime(summer, "Europe/Brussels") == "29/03/2026 03:00"
    assert format_time(datetime(2026, 7, 1, 21, 30, tzinfo=UTC), "Europe/Brussels") == "23:30"
    # A local evening in UTC is already the next day there.
    assert (
        format_date(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "Europe/Brussels") == "01/01/2027"
    )
    assert format_date(date(2026, 1, 5)) == "05/01/2026"


def test_dutch_by_default_and_english_on_request(
    planning: Planning, planner_browser: Browser
) -> None:
    page = f"/c/{planning.cooperation_id}/people"
    dutch = planner_browser.get(page)
    assert '<html lang="nl">' in dutch.text
    assert "Persoon toevoegen" in dutch.text
    switched = planner_browser.get(f"/lang/en?next={page}", follow_redirects=False)
    assert switched.headers["location"] == page
    english = planner_browser.get(page)
    assert '<html lang="en">' in english.text
    assert "Add a person" in english.text
    planner_browser.get("/lang/xx")
    assert '<html lang="en">' in planner_browser.get(page).text
