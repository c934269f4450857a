"""Screenshots of the main pages for docs/screenshots, from the demo data set.

Run: ``.venv/bin/python -m tests.e2e.screenshots`` (needs /usr/bin/chromium). It
loads the demo cooperation into a temporary SQLite file, plans and publishes
its year, prepares a swap waiting for approval, starts the server and a
worker, and photographs the pages a planner, an officer (phone-sized) and the
control room see. Nothing is fetched from anywhere but the local server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from scheduler.auth import load_actor
from scheduler.cli_service import plan_demo_rota, setup_demo
from scheduler.db import make_engine
from scheduler.migrate import upgrade
from scheduler.models import Assignment, Person, RotaVersion, User
from scheduler.models.types import utcnow
from scheduler.services import candidates, swaps
from scheduler.services.passwords import set_password
from solver.demo import demo_scenario
from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    SCREENSHOTS,
    Traffic,
    _wait_until_up,
    free_port,
    log_in,
    new_page,
)
from tests.factories import make_user


def prepare(database_url: str) -> dict[str, Any]:
    """The demo, published, with known passwords and one swap waiting for a planner."""
    upgrade(database_url)
    engine = make_engine(database_url)
    scenario = demo_scenario()
    with Session(engine, expire_on_commit=False) as session:
        setup = setup_demo(session=session, scenario=scenario)
        # A full minute, as a planner would give it: the pictures show a fair plan.
        version = plan_demo_rota(session=session, setup=setup, scenario=scenario, time_limit=60)
        for user in session.exec(select(User)).all():
            set_password(session=session, user=user, password=PASSWORD)
        cooperation_id = setup.cooperation.id or 0
        planner = load_actor(
            session, session.exec(select(User).where(User.username == setup.planner)).one()
        )
        swaps.set_policy(
            session=session,
            actor=planner,
            cooperation_id=cooperation_id,
            policy_in=swaps.PolicyPublic(approval="planner", each_zone=False),
        )
        soon = utcnow() + timedelta(days=7)
        duty, holder = session.exec(
            select(Assignment, Person)
            .join(Person, col(Person.id) == col(Assignment.person_id))
            .where(Assignment.version_id == version.id, col(Assignment.start) > soon)
            .order_by(col(Assignment.start))
        ).first() or (None, None)
        assert duty is not None and holder is not None, "no duty ahead in the demo rota"
        holder_user = session.exec(select(User).where(User.person_id == holder.id)).first()
        if holder_user is None:
            holder_user = make_user(
                session, role="officer", person=holder, username=f"officer-{holder.code}"
            )
            set_password(session=session, user=holder_user, password=PASSWORD)
        officer = load_actor(session, holder_user)
        ranked = candidates.duty_candidates(
            session=session, actor=officer, cooperation_id=cooperation_id, shift=duty.shift
        )
        taker_code = ranked.candidates[0].person
        request = swaps.create_request(
            session=session,
            actor=officer,
            cooperation_id=cooperation_id,
            request_in=swaps.SwapCreate(
                kind="giveaway", shift=duty.shift, target=taker_code, message="Familiefeest"
            ),
        )
        taker_person = session.exec(
            select(Person).where(Person.cooperation_id == cooperation_id, Person.code == taker_code)
        ).one()
        taker_user = make_user(session, role="officer", person=taker_person, username="collega")
        set_password(session=session, user=taker_user, password=PASSWORD)
        swaps.accept_request(
            session=session,
            actor=load_actor(session, taker_user),
            cooperation_id=cooperation_id,
            request_id=request.id,
        )
        published = session.exec(
            select(RotaVersion.id).where(RotaVersion.status == "published")
        ).first()
    engine.dispose()
    return {
        "cooperation": cooperation_id,
        "planner": setup.planner,
        "officer": holder_user.username,
        "version": published,
        "duty": duty.shift,
        "horizon": (scenario.horizon.start.isoformat(), scenario.horizon.end.isoformat()),
    }


def main() -> None:
    if not Path(CHROMIUM).exists():
        sys.exit(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="permanence-screens-"))
    database_url = f"sqlite:///{workdir / 'demo.db'}"
    facts = prepare(database_url)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = os.environ | {"PERMANENCE_DATABASE_URL": database_url, "PERMANENCE_BASE_URL": base_url}
    command = str(Path(sys.executable).parent / "permanence")
    processes = [
        subprocess.Popen(
            [command, "serve", "--no-worker", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [command, "worker", "--no-periodic", "--poll-interval", "0.3"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
    ]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    traffic = Traffic(f"127.0.0.1:{port}")

    class Site:
        def url(self, path: str) -> str:
            return base_url + path

    site: Any = Site()
    base = f"/c/{facts['cooperation']}"

    def shot(page: Any, name: str, *, full_page: bool = True) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)
        print("wrote", name)

    try:
        _wait_until_up(base_url, processes)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, "--lang=nl-BE"]
            )
            page = new_page(browser, traffic)
            page.goto(site.url("/login"))
            shot(page, "login", full_page=False)
            log_in(page, site, facts["planner"])
            page.goto(site.url(f"{base}/?weeks=6"))
            shot(page, "dashboard")

            page.goto(site.url(f"{base}/generate"))
            # The whole demo year again: long enough to photograph the solver at work.
            page.get_by_label("Van", exact=True).fill(facts["horizon"][0])
            page.get_by_label("Tot", exact=True).fill(facts["horizon"][1])
            page.get_by_label("Rekentijd (seconden)").fill("30")
            page.get_by_role("button", name="Planning berekenen").click()
            page.wait_for_url("**/jobs/*")
            page.locator("#job-status[data-status='running']").wait_for(timeout=60_000)
            page.locator("#job-objective").filter(has_text="0").wait_for(timeout=60_000)
            time.sleep(2)
            shot(page, "generate-progress", full_page=False)
            stop = page.get_by_role("button", name="Berekening stoppen")
            if stop.count():
                stop.click()

            page.goto(site.url(f"{base}/rotas/{facts['version']}"))
            shot(page, "review")
            page.goto(site.url(f"{base}/swaps"))
            shot(page, "swap-inbox")
            page.goto(site.url(f"{base}/people"))
            shot(page, "people", full_page=False)
            page.goto(site.url(f"{base}/rotas/{facts['version']}/print"))
            page.emulate_media(media="print")
            shot(page, "print", full_page=False)
            page.emulate_media(media="screen")
            page.goto(site.url(f"/lang/en?next={base}/"))
            shot(page, "dashboard-en", full_page=False)

            wall = new_page(browser, traffic)
            log_in(wall, site, facts["planner"])
            wall.goto(site.url(f"{base}/wall"))
            shot(wall, "control-room", full_page=False)

            phone = new_page(browser, traffic, phone=True)
            log_in(phone, site, facts["officer"])
            shot(phone, "officer-duties", full_page=False)
            phone.goto(site.url(f"{base}/me/calendar"))
            shot(phone, "officer-calendar")
            phone.goto(site.url(f"{base}/me/subscribe"))
            phone.get_by_role("button", name="Link maken").click()
            shot(phone, "officer-subscribe")
            phone.goto(site.url(f"{base}/me/swaps"))
            shot(phone, "officer-swaps")
            phone.goto(site.url(f"{base}/me/swaps/new?shift={facts['duty']}"))
            shot(phone, "officer-swap-request")
            browser.close()
        foreign = traffic.foreign()
        if foreign:
            sys.exit(f"requests to other hosts: {foreign}")
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
