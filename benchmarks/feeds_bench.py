"""Feed benchmark: render time of the largest feeds, and cached feed requests per second.

Run from the repository root (needs ``wrk`` for the HTTP part: ``apt-get install wrk``):

    .venv/bin/python benchmarks/feeds_bench.py                      # table on stdout
    .venv/bin/python benchmarks/feeds_bench.py --write docs/feeds.md

The scenario is the 16-zone demo year (``demo_scenario(zones=16)``) with a
rota that gives each shift to the next qualified person in turn (the solver's
quality does not matter for rendering), published once and then changed by
``--swaps`` published swaps, so SEQUENCE/LAST-MODIFIED are derived from a real
version chain. It lives in a fresh SQLite file.

Render: ``scheduler.services.feeds.render`` for a person, a role and the
cooperation feed (the largest: every duty of the year), median of
``--repeats`` runs, the window standing at the start of the year.

In process: the ASGI app called directly, no server and no network, each
case in batches of ``--requests`` taken in turns; the best batch counts, which
filters out load from elsewhere on the machine.

HTTP: one uvicorn process (the app as ``permanence serve`` builds it, with
the feeds' clock standing at the start of the year) and ``wrk`` on the same
machine; the median of the rounds counts. Each endpoint is measured for
``--duration`` seconds, ``--rounds`` times in turn, after a warm-up:
``/healthz`` and a trivial async route added to the same app (the faster of
the two is the framework's ceiling), a person feed and the cooperation feed as
full 200 responses, and the person feed as a 304 answer to If-None-Match.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import MutableMapping
from datetime import UTC, date, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from scheduler.auth import create_user, load_actor  # noqa: E402
from scheduler.db import make_engine  # noqa: E402
from scheduler.migrate import upgrade  # noqa: E402
from scheduler.models import FeedToken  # noqa: E402
from scheduler.services import feeds, rotas  # noqa: E402
from scheduler.services.scenarios import import_scenario  # noqa: E402
from solver.demo import demo_scenario  # noqa: E402
from solver.rota import Assignment, Rota  # noqa: E402
from solver.scenario import Scenario  # noqa: E402
from solver.shifts import expand  # noqa: E402

YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
MARKERS = ("<!-- bench:feeds:start -->", "<!-- bench:feeds:end -->")


def turn_rota(scenario: Scenario) -> Rota:
    """Each shift to the next qualified person of the role, in turn."""
    turns: dict[str, int] = {}
    assignments = []
    for shift in expand(scenario).shifts:
        role = scenario.role(shift.role)
        eligible = [p for p in scenario.people if set(role.requires) <= set(p.qualifications)]
        index = turns.get(shift.role, 0)
        turns[shift.role] = index + 1
        person = eligible[index % len(eligible)]
        assignments.append(
            Assignment(
                shift=shift.id,
                role=shift.role,
                start=shift.start,
                end=shift.end,
                person=person.id,
                zone=person.zone,
                load=shift.load,
            )
        )
    return Rota(scenario=scenario.name, status="FEASIBLE", assignments=assignments)


def swapped(rota: Rota, step: int) -> Rota:
    """The rota with two duties of one role exchanging people (a published swap)."""
    duties = list(rota.assignments)
    first = (step * 37) % (len(duties) - 40)
    second = next(i for i in range(first + 2, len(duties)) if duties[i].role == duties[first].role)
    a, b = duties[first], duties[second]
    duties[first] = a.model_copy(update={"person": b.person, "zone": b.zone})
    duties[second] = b.model_copy(update={"person": a.person, "zone": a.zone})
    return rota.model_copy(update={"assignments": duties})


def prepare(url: str, zones: int, swaps: int) -> dict[str, str]:
    """Import, publish and swap; returns feed name → token."""
    upgrade(url)
    engine = make_engine(url)
    scenario = demo_scenario(zones=zones)
    with Session(engine, expire_on_commit=False) as session:
        cooperation = import_scenario(session=session, scenario=scenario)
        assert cooperation.id is not None
        admin = load_actor(session, create_user(session=session, username="bench", role="admin"))
        rota = turn_rota(scenario)
        parent = None
        for step in range(swaps + 1):
            if step:
                rota = swapped(rota, step)
            stored = rotas.store_version(
                session,
                cooperation_id=cooperation.id,
                horizon_start=scenario.horizon.start,
                horizon_end=scenario.horizon.end,
                rota=rota,
                source="swap" if parent else "import",
                parent_id=parent,
            )
            session.commit()
            assert stored.id is not None
            rotas.publish_version(
                session=session, actor=admin, cooperation_id=cooperation.id, version_id=stored.id
            )
            parent = stored.id
        busiest = max(
            {duty.person for duty in rota.assignments},
            key=lambda code: sum(duty.person == code for duty in rota.assignments),
        )
        tokens = {}
        for name, kind, subject in (
            ("person", "person", busiest),
            ("role", "role", scenario.roles[0].id),
            ("cooperation", "cooperation", None),
        ):
            links = feeds.create_feed(
                session=session,
                actor=admin,
                cooperation_id=cooperation.id,
                feed_in=feeds.FeedCreate(kind=kind, subject=subject),
            )
            tokens[name] = links.url.rsplit("/", 1)[1].removesuffix(".ics")
    engine.dispose()
    return tokens


def time_renders(url: str, repeats: int) -> list[dict[str, object]]:
    engine = make_engine(url)
    window = feeds.window_start(YEAR_START)
    results = []
    with Session(engine) as session:
        rows = session.exec(select(FeedToken).order_by(FeedToken.id)).all()  # type: ignore[arg-type]
        for feed in rows:
            seconds = []
            body = b""
            for _ in range(repeats):
                started = time.perf_counter()
                body, _newest = feeds.render(session, feed, window)
                seconds.append(time.perf_counter() - started)
            results.append(
                {
                    "feed": f"{feed.kind} {feed.subject or ''}".strip(),
                    "events": body.count(b"BEGIN:VEVENT"),
                    "kib": len(body) / 1024,
                    "ms": statistics.median(seconds) * 1000,
                }
            )
    engine.dispose()
    return results


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def bench_app(url: str) -> FastAPI:
    """The app as ``permanence serve`` builds it, its feeds' clock at the start of the year,
    plus a trivial async route: /healthz is a plain (threaded) route and the feed route is
    async, so the framework's ceiling is the faster of the two kinds of trivial route."""
    from scheduler.app import create_app

    app = create_app(engine=make_engine(url))
    app.state.feed_clock = lambda: YEAR_START

    @app.get("/bench/async-trivial")
    async def async_trivial() -> dict[str, str]:
        return {"status": "ok"}

    return app


def serve(url: str, port: int) -> None:
    """Run the benchmark app until killed."""
    import uvicorn

    uvicorn.run(bench_app(url), host="127.0.0.1", port=port, log_level="warning", access_log=False)


Case = tuple[str, str, str | None, int]  # label, path, extra header, expected status


def cases(tokens: dict[str, str], etag: str) -> list[Case]:
    person = f"/api/v1/feeds/{tokens['person']}.ics"
    return [
        ("/healthz (trivial, threaded)", "/healthz", None, 200),
        ("trivial async route", "/bench/async-trivial", None, 200),
        ("person feed, full", person, None, 200),
        ("person feed, If-None-Match", person, f"If-None-Match: {etag}", 304),
        ("cooperation feed, full", f"/api/v1/feeds/{tokens['cooperation']}.ics", None, 200),
    ]


def time_in_process(
    url: str, tokens: dict[str, str], *, rounds: int, requests: int
) -> list[dict[str, object]]:
    """Microseconds of app time per request, calling the ASGI app directly (no server, no
    network, one core): the best of ``rounds`` batches per case, taken in turns, which
    filters out other load on the machine."""
    app = bench_app(url)

    async def call(path: str, header: str | None) -> tuple[int, dict[str, str]]:
        headers = [(b"host", b"bench")]
        if header:
            name, value = header.split(": ", 1)
            headers.append((name.lower().encode(), value.encode()))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "server": ("127.0.0.1", 80),
            "client": ("127.0.0.1", 50000),
            "state": {},
        }
        started: list[Any] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                started.append(message)

        await app(scope, receive, send)
        response_headers = {
            name.decode().lower(): value.decode() for name, value in started[0]["headers"]
        }
        return int(started[0]["status"]), response_headers

    async def measure() -> list[dict[str, object]]:
        person = f"/api/v1/feeds/{tokens['person']}.ics"
        _status, headers = await call(person, None)
        await call(f"/api/v1/feeds/{tokens['cooperation']}.ics", None)  # into the cache
        measured = cases(tokens, headers["etag"])
        best: dict[str, float] = {}
        for _round in range(rounds):
            for label, path, header, status in measured:
                started = time.perf_counter()
                for _ in range(requests):
                    if (await call(path, header))[0] != status:
                        raise RuntimeError(f"{label}: not {status}")
                seconds = (time.perf_counter() - started) / requests
                best[label] = min(best.get(label, seconds), seconds)
        ceiling = min(best[label] for label, *_ in measured[:2])
        return [
            {"endpoint": label, "us": best[label] * 1e6, "share": ceiling / best[label]}
            for label, *_ in measured
        ]

    return asyncio.run(measure())


def wrk(target: str, *, duration: int, connections: int, header: str | None) -> float:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", target]
    if header:
        command += ["-H", header]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if match is None or non_2xx is not None:
        raise RuntimeError(f"wrk failed or saw errors:\n{output}")
    return float(match.group(1))


def time_http(
    url: str, tokens: dict[str, str], *, duration: int, connections: int, rounds: int
) -> list[dict[str, object]]:
    """Requests per second through uvicorn, measured by wrk: the median of ``rounds`` runs
    per case, taken in turns so that a burst of load from elsewhere hits every case alike."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", url, "--port", str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(base + "/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        etag = httpx.get(base + f"/api/v1/feeds/{tokens['person']}.ics").headers["etag"]
        httpx.get(base + f"/api/v1/feeds/{tokens['cooperation']}.ics")  # into the cache
        measured = cases(tokens, etag)
        for _label, path, header, _status in measured:
            wrk(base + path, duration=2, connections=connections, header=header)  # warm-up
        rates: dict[str, list[float]] = {label: [] for label, *_ in measured}
        for _round in range(rounds):
            for label, path, header, _status in measured:
                rates[label].append(
                    wrk(base + path, duration=duration, connections=connections, header=header)
                )
        results: list[dict[str, object]] = []
        for label, path, _header, status in measured:
            size = len(httpx.get(base + path).content) if status == 200 else 0
            median = statistics.median(rates[label])
            results.append({"endpoint": label, "status": status, "kib": size / 1024, "rps": median})
        ceiling = max(statistics.median(rates[label]) for label, *_ in measured[:2])
        for result in results:
            result["share"] = float(str(result["rps"])) / ceiling
        return results
    finally:
        server.terminate()
        server.wait(timeout=10)


def table(
    renders: list[dict[str, object]],
    in_process: list[dict[str, object]],
    http: list[dict[str, object]],
    args: argparse.Namespace,
) -> str:
    lines = [
        f"Recorded {args.date} on {platform.machine()} with {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, FastAPI {version('fastapi')}, "
        f"uvicorn {version('uvicorn')} (one process), SQLite; wrk -t1 -c{args.connections} "
        f"-d{args.duration}s on the same machine, median of {args.rounds} rounds; 1-minute load "
        f"average {args.load[0]:.1f} before and {args.load[1]:.1f} after. Scenario: demo year "
        f"with {args.zones} zones, published once plus {args.swaps} published swaps.",
        "",
        "| feed | events | size (KiB) | render (ms, median) |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {r['feed']} | {r['events']} | {r['kib']:.0f} | {r['ms']:.0f} |" for r in renders]
    lines += [
        "",
        f"App time per request, the ASGI app called in process (best of {args.rounds * 2} "
        f"batches of {args.requests}, taken in turns):",
        "",
        "| endpoint | µs/request | requests/s (one core) | share of ceiling |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| {r['endpoint']} | {r['us']:.0f} | {1e6 / float(str(r['us'])):.0f} | {r['share']:.0%} |"
        for r in in_process
    ]
    lines += [
        "",
        "Over HTTP through uvicorn, measured by wrk:",
        "",
        "| endpoint | status | body (KiB) | requests/s | share of ceiling |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r['endpoint']} | {r['status']} | {r['kib']:.1f} | {r['rps']:.0f} | {r['share']:.0%} |"
        for r in http
    ]
    return "\n".join(lines)


def write_section(path: Path, text: str) -> None:
    start, end = MARKERS
    content = path.read_text() if path.exists() else ""
    block = f"{start}\n{text}\n{end}"
    if start in content and end in content:
        before, rest = content.split(start, 1)
        content = before + block + rest.split(end, 1)[1]
    else:
        content = content.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zones", type=int, default=16)
    parser.add_argument("--swaps", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=500, help="per in-process batch")
    parser.add_argument("--date", default=date.today().isoformat())
    parser.add_argument("--write", type=Path, help="replace the feeds section of this file")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'bench.db'}"
        started = time.perf_counter()
        tokens = prepare(url, args.zones, args.swaps)
        print(f"prepared in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        renders = time_renders(url, args.repeats)
        in_process = time_in_process(url, tokens, rounds=args.rounds * 2, requests=args.requests)
        load_before = os.getloadavg()[0]
        http = time_http(
            url, tokens, duration=args.duration, connections=args.connections, rounds=args.rounds
        )
        args.load = (load_before, os.getloadavg()[0])
    text = table(renders, in_process, http, args)
    print(text)
    if args.write:
        write_section(args.write, text)


if __name__ == "__main__":
    main()
