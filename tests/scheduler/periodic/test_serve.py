"""``permanence serve`` runs the periodic jobs in-process (the embedded default): the
process is ready, leads, schedules the registry, and gives the lease up on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from scheduler.db import make_engine
from scheduler.migrate import upgrade
from scheduler.models import LeaderLease
from tests.scheduler.periodic.test_delivery import free_port


@pytest.mark.slow
def test_serve_runs_the_periodic_jobs_and_stops_cleanly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    upgrade(url)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "scheduler.cli", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=os.environ | {"PERMANENCE_DATABASE_URL": url, "PERMANENCE_LEADER_LEASE_SECONDS": "3"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    engine = make_engine(url)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1)
                if ready.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None
            assert time.monotonic() < deadline, "not ready within 60 s"
            time.sleep(0.2)
        assert ready.json()["checks"]["worker"].startswith("ok")
        with Session(engine) as session:
            lease = session.exec(select(LeaderLease)).one()
        assert lease.holder.endswith(f":{server.pid}")
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        with Session(engine) as session:
            lease = session.exec(select(LeaderLease)).one()
        assert lease.expires_at < datetime.now(UTC)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)
        engine.dispose()
