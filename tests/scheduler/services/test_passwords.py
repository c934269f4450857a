"""Passwords: argon2 hashes, the length rule on both sides, and logins that reveal nothing."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from scheduler.errors import Invalid, NotAuthenticated
from scheduler.models import AuditEvent, User
from scheduler.services.passwords import (
    MIN_LENGTH,
    authenticate_password,
    hash_password,
    set_password,
    verify_password,
)
from tests.factories import make_user


def test_a_hash_is_argon2id_and_verifies_only_the_same_password() -> None:
    hashed = hash_password("a long enough secret")
    assert hashed.startswith("$argon2id$")
    assert "a long enough secret" not in hashed
    assert verify_password(hashed, "a long enough secret")
    assert not verify_password(hashed, "a long enough secreT")


def test_the_length_rule_on_both_sides_of_the_boundary() -> None:
    with pytest.raises(Invalid) as refused:
        hash_password("x" * (MIN_LENGTH - 1))
    assert refused.value.fields[0].field == "password"
    assert verify_password(hash_password("x" * MIN_LENGTH), "x" * MIN_LENGTH)


def test_no_hash_or_a_broken_hash_never_verifies() -> None:
    assert not verify_password(None, "anything at all")
    assert not verify_password("not-a-hash", "anything at all")


def test_login_by_username_and_password(session: Session) -> None:
    user = make_user(session, role="admin", username="chief")
    set_password(session=session, user=user, password="correct horse battery")
    assert (
        authenticate_password(
            session=session, username="chief", password="correct horse battery"
        ).id
        == user.id
    )
    for username, password in (
        ("chief", "wrong horse battery"),
        ("nobody", "correct horse battery"),
    ):
        with pytest.raises(NotAuthenticated):
            authenticate_password(session=session, username=username, password=password)


def test_an_inactive_user_cannot_log_in(session: Session) -> None:
    user = make_user(session, role="admin", username="gone")
    set_password(session=session, user=user, password="correct horse battery")
    user.is_active = False
    session.add(user)
    session.commit()
    with pytest.raises(NotAuthenticated):
        authenticate_password(session=session, username="gone", password="correct horse battery")


def test_setting_a_password_is_audited_without_the_hash(session: Session) -> None:
    user = make_user(session, role="admin", username="audited")
    set_password(session=session, user=user, password="correct horse battery")
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "set_password")).one()
    assert event.entity_id == str(user.id)
    assert "argon2" not in str(event.after)


def test_user_add_with_a_password_from_stdin_can_log_in(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathlib import Path

    from scheduler.cli import app
    from scheduler.config import get_settings
    from scheduler.db import get_engine, make_engine

    database = f"sqlite:///{Path(str(tmp_path)) / 'cli.db'}"
    monkeypatch.setenv("PERMANENCE_DATABASE_URL", database)
    get_settings.cache_clear()
    get_engine.cache_clear()
    try:
        runner = CliRunner()
        added = runner.invoke(
            app,
            ["user", "add", "root", "--role", "admin", "--password-stdin"],
            input="correct horse battery\n",
        )
        assert added.exit_code == 0, added.output
        too_short = runner.invoke(
            app, ["user", "password", "root", "--password-stdin"], input="short\n"
        )
        assert too_short.exit_code == 1
        engine = make_engine(database)
        with Session(engine) as session:
            user = authenticate_password(
                session=session, username="root", password="correct horse battery"
            )
            assert session.exec(select(User)).all() == [user]
        engine.dispose()
    finally:
        get_settings.cache_clear()
        get_engine.cache_clear()


def test_running_the_demo_twice_keeps_password_hashes_out_of_the_audit_log(
    session: Session,
) -> None:
    from scheduler.cli_service import setup_demo
    from tests.scheduler.conftest import planning_scenario

    scenario = planning_scenario()
    first = setup_demo(session=session, scenario=scenario)
    second = setup_demo(session=session, scenario=scenario)
    assert (
        set(first.passwords)
        == set(second.passwords)
        == {
            "admin",
            "planner-hh",
            "planner-rt",
            "officer-hh-01",
        }
    )
    assert first.passwords["admin"] != second.passwords["admin"]
    assert authenticate_password(
        session=session, username="planner-hh", password=second.passwords["planner-hh"]
    )
    events = session.exec(select(AuditEvent).where(AuditEvent.entity == "user")).all()
    assert events and not any("argon2" in str(event.before) + str(event.after) for event in events)
