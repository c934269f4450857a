"""Planner pages over the real app: generate with progress, review, publish, dashboard,
Excel export and print view, and who may see them."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from openpyxl import load_workbook

from scheduler.worker import Worker
from tests.scheduler.conftest import BEFORE_HORIZON, Planning, import_planning, planning_scenario
from tests.scheduler.web.conftest import Browser, logged_in
from tests.scheduler.web.helpers import publish_rota

pytestmark = pytest.mark.slow


def base(planning: Planning) -> str:
    return f"/c/{planning.cooperation_id}"


def test_generate_watch_review_and_publish(planning: Planning, planner_browser: Browser) -> None:
    page = planner_browser
    assert "Er is nog geen gepubliceerde planning" in page.get(f"{base(planning)}/").text
    form = page.get(f"{base(planning)}/generate")
    assert 'name="time_limit"' in form.text and 'value="OVW" checked' in form.text
    queued = page.post(
        f"{base(planning)}/generate",
        {"start": "2026-03-02", "end": "2026-04-06", "time_limit": "5", "roles": "OVW"},
        follow_redirects=False,
    )
    assert queued.status_code == 303
    job_page = queued.headers["location"]
    waiting = page.get(job_page)
    assert 'hx-trigger="every 1s"' in waiting.text
    assert 'data-status="queued"' in waiting.text
    assert '<script src="/static/htmx.min.js"></script>' in waiting.text
    assert '<meta http-equiv="refresh" content="2">' in waiting.text  # without JavaScript

    Worker(planning.engine, clock=lambda: BEFORE_HORIZON).run_once()
    progress = page.get(f"{job_page}/progress")
    assert 'data-status="succeeded"' in progress.text
    assert "hx-trigger" not in progress.text  # polling stops once finished
    assert re.search(r'id="job-objective">[\d.]+<', progress.text)
    version_id = re.search(
        r'/rotas/(\d+)" id="review|id="review-link" href="[^"]*/rotas/(\d+)', progress.text
    )
    assert version_id is not None
    version = next(group for group in version_id.groups() if group)

    review = page.get(f"{base(planning)}/rotas/{version}")
    assert 'id="person-chart-OVW"' in review.text and "<svg" in review.text
    assert "Alle diensten zijn bezet." in review.text
    assert "Er is nog geen gepubliceerde versie voor deze periode." in review.text
    published = page.post(f"{base(planning)}/rotas/{version}/publish", follow_redirects=True)
    assert f"Versie {version} is gepubliceerd." in published.text
    assert 'id="grid-OVW"' in published.text
    assert published.text.count('class="duty zone-') >= 5

    again = page.post(f"{base(planning)}/rotas/{version}/publish", follow_redirects=True)
    assert "only drafts can be published" in again.text


def test_a_second_draft_shows_its_diff_against_the_published_one(
    planning: Planning, planner_browser: Browser
) -> None:
    publish_rota(planning)
    queued = planner_browser.post(
        f"{base(planning)}/generate",
        {"start": "2026-03-02", "end": "2026-04-06", "time_limit": "5"},
        follow_redirects=False,
    )
    Worker(planning.engine, clock=lambda: BEFORE_HORIZON).run_once()
    progress = planner_browser.get(queued.headers["location"] + "/progress").text
    draft = re.search(r"/rotas/(\d+)", progress)
    assert draft is not None
    review = planner_browser.get(f"{base(planning)}/rotas/{draft.group(1)}").text
    assert "Verschil met de gepubliceerde versie" in review
    assert ("Gewijzigde diensten:" in review) or ("Geen verschillen." in review)


def test_dashboard_shows_the_weeks_and_who_is_on_call(
    planning: Planning, planner_browser: Browser
) -> None:
    publish_rota(planning)
    planning_now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    app = planner_browser.client.app
    app.state.clock = lambda: planning_now  # type: ignore[attr-defined]
    dashboard = planner_browser.get(f"{base(planning)}/").text
    # The week of 10 March first, six weeks shown, the on-call box filled.
    assert re.search(r'<th scope="row" class="week">11<br><small class="muted">09/03', dashboard)
    assert dashboard.count('<th scope="row" class="week">') == 6
    assert "Nu en straks van dienst" in dashboard
    on_call = dashboard.split('id="oncall-title"')[1].split("</section>")[0]
    assert "geen dienst op dit moment" not in on_call and "niet bezet" not in on_call
    later = planner_browser.get(f"{base(planning)}/?from=2026-04-06&weeks=2").text
    assert later.count('<th scope="row" class="week">') == 2
    assert "Person " not in later.split("Role OVW", 1)[1]  # after the horizon: empty weeks


def test_export_and_print(planning: Planning, planner_browser: Browser) -> None:
    version = publish_rota(planning)
    export = planner_browser.get(f"{base(planning)}/rotas/{version}/export.xlsx")
    assert export.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in export.headers["content-disposition"]
    book = load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == ["OVW", "Diensten", "Niet bezet"]
    assert book["Diensten"].max_row == 6
    printed = planner_browser.get(f"{base(planning)}/rotas/{version}/print").text
    assert printed.count('<th scope="row" class="week">') == 5
    assert "window.print()" in printed


def test_a_bad_horizon_comes_back_as_a_message(
    planning: Planning, planner_browser: Browser
) -> None:
    response = planner_browser.post(
        f"{base(planning)}/generate",
        {"start": "2026-04-06", "end": "2026-03-02", "time_limit": "5"},
        follow_redirects=True,
    )
    assert "end must be after start" in response.text


def test_a_queued_job_can_be_cancelled(planning: Planning, planner_browser: Browser) -> None:
    queued = planner_browser.post(
        f"{base(planning)}/generate",
        {"start": "2026-03-02", "end": "2026-04-06", "time_limit": "5"},
        follow_redirects=False,
    )
    job_page = queued.headers["location"]
    cancelled = planner_browser.post(f"{job_page}/cancel", follow_redirects=True)
    assert 'data-status="cancelled"' in cancelled.text
    assert "Berekening stoppen" not in cancelled.text


def test_officers_and_outsiders_do_not_see_planner_pages(
    planning: Planning, officer_browser: Browser
) -> None:
    for path in ("/", "/generate", "/rotas", "/people", "/absences", "/import", "/swaps"):
        response = officer_browser.get(f"{base(planning)}{path}")
        assert response.status_code == 403, path
        assert "Er ging iets mis" in response.text
    assert officer_browser.get(f"/c/{planning.cooperation_id + 1000}/me").status_code == 404


def test_uncovered_shifts_are_explained_and_flagged(planning: Planning, web_app: FastAPI) -> None:
    everyone_away = [
        {"person": code, "start": "2026-03-09", "end": "2026-03-17", "reason": "opleiding"}
        for code in ("hh-01", "hh-02", "hh-03", "rt-01", "rt-02", "rt-03")
    ]
    short = import_planning(
        planning.engine, planning_scenario(absences=everyone_away, name="Everyone away")
    )
    for page in logged_in(web_app, short, short.planner_hh):
        queued = page.post(
            f"{base(short)}/generate",
            {"start": "2026-03-02", "end": "2026-04-06", "time_limit": "5"},
            follow_redirects=False,
        )
        Worker(short.engine, clock=lambda: BEFORE_HORIZON).run_once()
        progress = page.get(queued.headers["location"] + "/progress").text
        version = re.search(r"/rotas/(\d+)", progress)
        assert version is not None
        review = page.get(f"{base(short)}/rotas/{version.group(1)}").text
        explanation = review.split('id="explanation-title"')[1].split("</section>")[0]
        assert "09/03/2026 08:00" in explanation and "16/03/2026 08:00" in explanation
        assert "Alle diensten zijn bezet." not in review
        published = page.post(
            f"{base(short)}/rotas/{version.group(1)}/publish", follow_redirects=True
        ).text
        grid = published.split('id="grid-OVW"')[1]
        badge = re.search(r"Niet bezet: (\d+)", published)
        assert badge is not None
        assert grid.count("⚠ niet bezet") == int(badge.group(1)) >= 1
        week_of_absence = grid.split("09/03</small>")[1].split("</tr>")[0]
        assert "⚠ niet bezet" in week_of_absence
        # While nobody holds the shift, the on-call box and the wall say so.
        web_app.state.clock = lambda: datetime(2026, 3, 10, 12, tzinfo=UTC)
        on_call = page.get(f"{base(short)}/").text.split('id="oncall-title"')[1]
        assert "⚠ niet bezet" in on_call.split("</section>")[0]
        assert "⚠ NIET BEZET" in page.get(f"{base(short)}/wall").text
        quiet = page.get(f"{base(short)}/wall", params={"at": "2026-03-24T12:00"}).text
        assert "NIET BEZET" not in quiet and 'data-person="' in quiet
