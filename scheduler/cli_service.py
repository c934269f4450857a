"""Commands that run or administer the service: migrate, serve, demo, import, export, users, tokens.

Every command works on the configured database (``PERMANENCE_DATABASE_URL``,
by default ``sqlite:///permanence.db`` in the working directory) and brings
it to the newest schema first, so each works on a fresh file. Errors print
one line per problem (the field path for a bad scenario) and exit 1.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, col, select

from scheduler import audit
from scheduler.auth import (
    create_api_token,
    create_user,
    find_user,
    load_actor,
    revoke_api_token,
)
from scheduler.config import get_settings
from scheduler.db import make_engine
from scheduler.errors import DomainError, Invalid
from scheduler.migrate import upgrade
from scheduler.models import (
    USER_ROLES,
    ApiToken,
    Cooperation,
    Person,
    RotaVersion,
    User,
    UserZone,
    Zone,
)
from scheduler.services import scenarios as service
from scheduler.services.passwords import set_password
from solver.scenario import Scenario, ScenarioError, dump_scenario, read_data_file

EXIT_FAILED = 1
DEMO_SLUG = "demo"
DEMO_TOKEN_NAME = "demo"
DATE_FORMATS = ["%Y-%m-%d"]


class UserRole(StrEnum):
    """The roles of ``scheduler.models.USER_ROLES``, as the command line offers them."""

    admin = "admin"
    planner = "planner"
    officer = "officer"


assert {role.value for role in UserRole} == set(USER_ROLES), "UserRole must list USER_ROLES"


def _database_url() -> str:
    return get_settings().database_url


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _fail(heading: str, error: DomainError | ScenarioError) -> typer.Exit:
    if isinstance(error, ScenarioError):
        lines = [f"{path}: {message}" if path else message for path, message in error.problems]
    elif error.fields:
        lines = [f"{item.field}: {item.message}" for item in error.fields]
    else:
        typer.echo(f"{heading}: {error.detail}", err=True)
        return typer.Exit(EXIT_FAILED)
    typer.echo(f"{heading}:", err=True)
    for line in lines:
        typer.echo(f"  {line}", err=True)
    return typer.Exit(EXIT_FAILED)


@contextmanager
def _session(heading: str = "error") -> Iterator[Session]:
    """A session on the migrated database; domain errors end the command with exit 1."""
    url = _database_url()
    upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session
    except DomainError as error:
        raise _fail(heading, error) from None
    finally:
        engine.dispose()


def _cooperation(session: Session, slug: str | None) -> Cooperation:
    """The cooperation ``slug``, or the only one when there is exactly one."""
    if slug is not None:
        return service.find_cooperation(session=session, slug=slug)
    rows = session.exec(select(Cooperation).limit(2)).all()
    if len(rows) != 1:
        raise Invalid("name the cooperation with --cooperation SLUG")
    return rows[0]


def _read_password(*, prompt: bool, stdin: bool) -> str | None:
    """The password asked for (typed twice, hidden) or read from standard input; None if neither."""
    if stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if prompt:
        secret: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        return secret
    return None


# --- Demo ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSetup:
    cooperation: Cooperation
    planner: str
    officer: str
    tokens: dict[str, str]  # username → the fresh token, shown once
    passwords: dict[str, str] = field(default_factory=dict)  # username → web password, new each run


def _user_snapshot(user: User) -> dict[str, Any]:
    """A user for the audit log: never the password hash (the demo users have passwords)."""
    snapshot = audit.snapshot(user)
    snapshot.pop("password_hash", None)
    return snapshot


def _ensure_user(
    session: Session,
    *,
    username: str,
    role: str,
    display_name: str,
    zone_ids: list[int],
    person_id: int | None,
) -> User:
    """The demo user ``username`` exactly as described, created or reset."""
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        return create_user(
            session=session,
            username=username,
            role=role,
            display_name=display_name,
            zone_ids=zone_ids,
            person_id=person_id,
        )
    before = _user_snapshot(user)
    user.role, user.display_name, user.person_id = role, display_name, person_id
    user.is_active = True
    session.add(user)
    for link in session.exec(select(UserZone).where(UserZone.user_id == user.id)).all():
        session.delete(link)
    session.flush()
    session.add_all(UserZone(user_id=user.id, zone_id=zone_id) for zone_id in zone_ids)  # type: ignore[arg-type]
    audit.record(
        session,
        actor=None,
        action="update",
        entity="user",
        entity_id=user.id,
        before=before,
        after=_user_snapshot(user) | {"zone_ids": zone_ids},
    )
    session.commit()
    return user


def setup_demo(*, session: Session, scenario: Scenario) -> DemoSetup:
    """Load (or reset) the demo cooperation and its users; fresh tokens for them.

    Users: ``admin``, a planner per zone (``planner-hh``) and an officer linked
    to the first person of the first zone (``officer-hh-01``). Older demo
    tokens of these users are revoked, so only the printed ones work.
    """
    cooperation = service.import_scenario(
        session=session, scenario=scenario, slug=DEMO_SLUG, replace=True
    )
    zones = {
        row.code: row
        for row in session.exec(select(Zone).where(Zone.cooperation_id == cooperation.id)).all()
    }
    first_zone = scenario.zones[0]
    first_person = next(person for person in scenario.people if person.zone == first_zone.id)
    person_row = session.exec(
        select(Person).where(
            Person.cooperation_id == cooperation.id, Person.code == first_person.id
        )
    ).one()
    users = [
        _ensure_user(
            session,
            username="admin",
            role="admin",
            display_name="Administrator",
            zone_ids=[],
            person_id=None,
        )
    ]
    for zone in scenario.zones:
        users.append(
            _ensure_user(
                session,
                username=f"planner-{zone.id.lower()}",
                role="planner",
                display_name=f"Planner {zone.name}",
                zone_ids=[zones[zone.id].id],  # type: ignore[list-item]
                person_id=None,
            )
        )
    users.append(
        _ensure_user(
            session,
            username=f"officer-{first_person.id}",
            role="officer",
            display_name=first_person.name,
            zone_ids=[],
            person_id=person_row.id,
        )
    )
    planner = f"planner-{first_zone.id.lower()}"
    officer = f"officer-{first_person.id}"
    tokens: dict[str, str] = {}
    for user in users:
        old = session.exec(
            select(ApiToken).where(
                ApiToken.user_id == user.id,
                ApiToken.name == DEMO_TOKEN_NAME,
                col(ApiToken.revoked_at).is_(None),
            )
        ).all()
        for token in old:
            revoke_api_token(session=session, token_id=token.id)  # type: ignore[arg-type]
        if user.username in (planner, officer, "admin"):
            tokens[user.username], _ = create_api_token(
                session=session, user=user, name=DEMO_TOKEN_NAME
            )
    passwords: dict[str, str] = {}
    for user in users:
        passwords[user.username] = secrets.token_urlsafe(9)
        set_password(session=session, user=user, password=passwords[user.username])
    return DemoSetup(
        cooperation=cooperation,
        planner=planner,
        officer=officer,
        tokens=tokens,
        passwords=passwords,
    )


def demo_instructions(
    setup: DemoSetup, *, base_url: str, scenario: Scenario, version_id: int | None = None
) -> list[str]:
    """What ``permanence demo`` prints: the tokens and ready-to-paste requests."""
    api = f"{base_url}/api/v1/cooperations/{setup.cooperation.id}"
    four_weeks_later = min(scenario.horizon.start + timedelta(weeks=4), scenario.horizon.end)
    width = max(len(name) for name in setup.tokens)
    lines: list[str] = [
        f"Demo cooperation '{setup.cooperation.name}' (id {setup.cooperation.id}, "
        f"slug {setup.cooperation.slug}) loaded into {_shown(_database_url())}.",
        "",
        "API tokens (new on every run; older demo tokens are revoked):",
        *(f"  {name:<{width}}  {token}" for name, token in setup.tokens.items()),
        "",
        "Try:",
        f"  # the people of every zone, as {setup.planner}",
        f'  curl -H "Authorization: Bearer {setup.tokens[setup.planner]}" {api}/people',
        "  # the scenario of the first four weeks, as YAML (planners and admins only)",
        f'  curl -H "Authorization: Bearer {setup.tokens[setup.planner]}" '
        f'"{api}/scenario?start={scenario.horizon.start}&end={four_weeks_later}&format=yaml"',
        f"  # the cooperation, as {setup.officer}",
        f'  curl -H "Authorization: Bearer {setup.tokens[setup.officer]}" {api}',
    ]
    if version_id is not None:
        lines += [
            "  # who is on call at the first handover of the year, and who is next",
            f'  curl -H "Authorization: Bearer {setup.tokens[setup.officer]}" '
            f'"{api}/oncall?at={scenario.horizon.start}T08:00"',
            "  # the published rota's first four weeks of OVW, and its fairness report",
            f'  curl -H "Authorization: Bearer {setup.tokens[setup.planner]}" '
            f'"{api}/rotas/{version_id}?role=OVW&from={scenario.horizon.start}'
            f'&to={four_weeks_later}"',
            f'  curl -H "Authorization: Bearer {setup.tokens[setup.planner]}" '
            f"{api}/rotas/{version_id}/fairness",
        ]
    if setup.passwords:
        pad = max(len(name) for name in setup.passwords)
        lines += [
            "",
            f"Web pages: {base_url}/ — log in with (new on every run):",
            *(f"  {name:<{pad}}  {password}" for name, password in setup.passwords.items()),
        ]
    lines += [
        "",
        f"API documentation: {base_url}/docs",
    ]
    return lines


# --- Commands --------------------------------------------------------------------------------


def register(app: typer.Typer) -> None:
    """Add the service commands to ``app``."""

    @app.command("migrate")
    def migrate_command() -> None:
        """Bring the configured database to the newest schema."""
        url = _database_url()
        upgrade(url)
        typer.echo(f"{_shown(url)} is at the newest schema")

    @app.command("import")
    def import_command(
        path: Annotated[Path, typer.Argument(metavar="FILE", help="Scenario file (.json, .yaml)")],
        cooperation: Annotated[
            str | None,
            typer.Option(help="Slug of the cooperation (default: from the scenario name)"),
        ] = None,
        replace: Annotated[
            bool, typer.Option("--replace", help="Replace an existing cooperation's data")
        ] = False,
    ) -> None:
        """Load a scenario file into a cooperation; nothing is written if it is invalid."""
        heading = f"{path}: cannot be imported"
        try:
            data = read_data_file(path)
        except ScenarioError as error:
            raise _fail(heading, error) from None
        with _session(heading) as session:
            row = service.import_scenario_data(
                session=session, data=data, slug=cooperation, replace=replace
            )
        typer.echo(f"imported '{row.name}' as cooperation {row.id} (slug {row.slug})")

    @app.command("export")
    def export_command(
        cooperation: Annotated[str, typer.Option(help="Slug of the cooperation")],
        start: Annotated[
            datetime, typer.Option(formats=DATE_FORMATS, help="First day, YYYY-MM-DD")
        ],
        end: Annotated[
            datetime,
            typer.Option(formats=DATE_FORMATS, help="Day after the horizon, YYYY-MM-DD"),
        ],
        out: Annotated[
            Path | None,
            typer.Option(help="Write to this file (.json or .yaml); default JSON on stdout"),
        ] = None,
    ) -> None:
        """Write the scenario of a cooperation for the horizon [start, end)."""
        if out is not None and out.suffix.lower() not in (".json", ".yaml", ".yml"):
            raise typer.BadParameter("use a .json, .yaml or .yml file", param_hint="--out")
        with _session() as session:
            row = service.find_cooperation(session=session, slug=cooperation)
            assert row.id is not None
            scenario = service.export_scenario(
                session=session, cooperation_id=row.id, start=start.date(), end=end.date()
            )
        if out is None:
            typer.echo(service.render_scenario(scenario, "json"), nl=False)
            return
        dump_scenario(scenario, out)
        typer.echo(f"wrote {out}", err=True)

    user_app = typer.Typer(help="User accounts.", no_args_is_help=True)
    token_app = typer.Typer(help="API tokens for HTTP clients.", no_args_is_help=True)
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")

    @user_app.command("add")
    def user_add(
        username: Annotated[str, typer.Argument(metavar="USERNAME")],
        role: Annotated[UserRole, typer.Option(case_sensitive=False)],
        zone: Annotated[
            list[str] | None, typer.Option(help="Zone code a planner plans (repeatable)")
        ] = None,
        person: Annotated[
            str | None, typer.Option(help="Person code an officer is (e.g. hh-01)")
        ] = None,
        cooperation: Annotated[
            str | None,
            typer.Option(
                help="Slug of the zones' and person's cooperation (default: the only one)"
            ),
        ] = None,
        name: Annotated[str, typer.Option(help="Display name")] = "",
        email: Annotated[str | None, typer.Option(help="E-mail address for notifications")] = None,
        password: Annotated[
            bool, typer.Option("--password", help="Ask for a password for the web pages")
        ] = False,
        password_stdin: Annotated[
            bool, typer.Option("--password-stdin", help="Read the password from standard input")
        ] = False,
    ) -> None:
        """Create a user: an admin, a planner of zones, or an officer linked to a person."""
        secret = _read_password(prompt=password, stdin=password_stdin)
        with _session() as session:
            zone_ids: list[int] = []
            person_id: int | None = None
            if zone or person:
                scope = _cooperation(session, cooperation)
                zones = {
                    row.code: row.id
                    for row in session.exec(
                        select(Zone).where(Zone.cooperation_id == scope.id)
                    ).all()
                }
                for code in zone or []:
                    if code not in zones:
                        raise Invalid(f"no zone '{code}' in cooperation '{scope.slug}'")
                    zone_ids.append(zones[code])  # type: ignore[arg-type]
                if person is not None:
                    row = session.exec(
                        select(Person).where(
                            Person.cooperation_id == scope.id, Person.code == person
                        )
                    ).first()
                    if row is None:
                        raise Invalid(f"no person '{person}' in cooperation '{scope.slug}'")
                    person_id = row.id
            user = create_user(
                session=session,
                username=username,
                role=role.value,
                display_name=name,
                zone_ids=zone_ids,
                person_id=person_id,
                email=email,
            )
            if secret is not None:
                set_password(session=session, user=user, password=secret)
        typer.echo(f"created {user.role} '{user.username}' (id {user.id})")

    @user_app.command("password")
    def user_password(
        username: Annotated[str, typer.Argument(metavar="USERNAME")],
        password_stdin: Annotated[
            bool, typer.Option("--password-stdin", help="Read the password from standard input")
        ] = False,
    ) -> None:
        """Set a user's password for the web pages (their open sessions end)."""
        secret = _read_password(prompt=not password_stdin, stdin=password_stdin)
        assert secret is not None
        with _session() as session:
            user = find_user(session=session, username=username)
            set_password(session=session, user=user, password=secret)
        typer.echo(f"password set for '{username}'")

    @user_app.command("list")
    def user_list() -> None:
        """List users with their role, zones and person."""
        with _session() as session:
            users = session.exec(select(User).order_by(col(User.id))).all()
            zone_codes: dict[int, list[str]] = {}
            for user_id, code in session.exec(
                select(UserZone.user_id, Zone.code)
                .join(Zone, col(Zone.id) == col(UserZone.zone_id))
                .order_by(col(Zone.code))
            ).all():
                zone_codes.setdefault(user_id, []).append(code)
            people = {
                row.id: row.code
                for row in session.exec(
                    select(Person).where(
                        col(Person.id).in_([user.person_id for user in users if user.person_id])
                    )
                ).all()
            }
            for user in users:
                assert user.id is not None
                details = []
                if zone_codes.get(user.id):
                    details.append("zones " + ",".join(zone_codes[user.id]))
                if user.person_id is not None:
                    details.append(f"person {people.get(user.person_id, '?')}")
                if not user.is_active:
                    details.append("inactive")
                line = f"{user.id:>4}  {user.username:<24} {user.role:<8} {'  '.join(details)}"
                typer.echo(line.rstrip())

    @token_app.command("create")
    def token_create(
        username: Annotated[str, typer.Argument(metavar="USERNAME")],
        name: Annotated[str, typer.Option(help="What the token is for")] = "",
    ) -> None:
        """Create an API token for a user and print it (it is shown only once)."""
        with _session() as session:
            user = find_user(session=session, username=username)
            secret, row = create_api_token(session=session, user=user, name=name)
        typer.echo(secret)
        typer.echo(
            f"token {row.id} for '{username}'; store it now, it is not shown again", err=True
        )

    @token_app.command("revoke")
    def token_revoke(token_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
        """Revoke an API token by its id."""
        with _session() as session:
            row = revoke_api_token(session=session, token_id=token_id)
        typer.echo(f"revoked token {row.id}")

    @app.command("serve")
    def serve_command(
        host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
        worker: Annotated[
            bool,
            typer.Option(
                "--worker/--no-worker",
                help="Also run one generation worker in this process (the embedded default); "
                "use --no-worker when workers run apart (permanence worker)",
            ),
        ] = True,
    ) -> None:
        """Migrate the database, then serve the HTTP API (and a generation worker)."""
        upgrade(_database_url())
        _serve(host, port, with_worker=worker)

    @app.command("demo")
    def demo_command(
        host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
        serve: Annotated[
            bool, typer.Option("--serve/--no-serve", help="Start the server afterwards")
        ] = True,
        write_scenario: Annotated[
            Path | None,
            typer.Option(help="Only write the demo scenario to this file (.yaml or .json)"),
        ] = None,
        plan: Annotated[
            bool,
            typer.Option("--plan/--no-plan", help="Generate and publish the year's rota"),
        ] = True,
        plan_seconds: Annotated[
            float, typer.Option(help="Time limit of the solver for the demo rota", min=1)
        ] = 30,
    ) -> None:
        """Load the demo cooperation (two zones, 2026), print tokens and example requests, serve."""
        from solver.demo import demo_scenario

        scenario = demo_scenario()
        if write_scenario is not None:
            dump_scenario(scenario, write_scenario)
            typer.echo(f"wrote {write_scenario}")
            return
        with _session() as session:
            setup = setup_demo(session=session, scenario=scenario)
        version_id = None
        if plan:
            typer.echo(f"Planning {scenario.horizon.start} → {scenario.horizon.end} …")
            with _session() as session:
                version = plan_demo_rota(
                    session=session, setup=setup, scenario=scenario, time_limit=plan_seconds
                )
            version_id = version.id
            rota = version.rota or {}
            typer.echo(
                f"Published rota version {version.id}: {rota.get('status')}, "
                f"{len(rota.get('assignments', []))} duties, "
                f"{len(rota.get('uncovered', []))} uncovered shifts."
            )
        base_url = f"http://{host}:{port}"
        instructions = demo_instructions(
            setup, base_url=base_url, scenario=scenario, version_id=version_id
        )
        for line in instructions:
            typer.echo(line)
        if serve:
            typer.echo(f"\nServing on {base_url} (Ctrl+C to stop)")
            _serve(host, port, with_worker=True)


def plan_demo_rota(
    *, session: Session, setup: DemoSetup, scenario: Scenario, time_limit: float
) -> RotaVersion:
    """Generate the demo horizon through the real job path (a worker, a solver process)
    and publish it."""
    from scheduler.services import jobs, rotas
    from scheduler.worker import Worker

    cooperation_id = setup.cooperation.id
    assert cooperation_id is not None
    admin = load_actor(session, find_user(session=session, username="admin"))
    job = jobs.create_job(
        session=session,
        actor=admin,
        cooperation_id=cooperation_id,
        request=jobs.GenerationRequest(
            start=scenario.horizon.start, end=scenario.horizon.end, time_limit=time_limit
        ),
    )
    assert job.id is not None
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    Worker(engine).run_once()
    job = jobs.load_job(session, job.id)
    if job.status != "succeeded" or job.result_version_id is None:
        raise _fail("demo", Invalid(f"the demo rota could not be planned: {job.error}"))
    return rotas.publish_version(
        session=session,
        actor=admin,
        cooperation_id=cooperation_id,
        version_id=job.result_version_id,
    )


def _serve(host: str, port: int, *, with_worker: bool) -> None:
    import signal
    from types import FrameType

    import uvicorn

    from scheduler.db import get_engine
    from scheduler.periodic.logs import configure
    from scheduler.periodic.runner import PeriodicRunner
    from scheduler.worker import Worker, start_in_thread

    configure(structured=get_settings().log_json)  # uvicorn keeps its own format
    worker = Worker(get_engine()) if with_worker else None
    thread = start_in_thread(worker) if worker else None
    # The embedded default also runs the periodic jobs (as leader, when no other worker is).
    periodic = PeriodicRunner(get_engine(), name=worker.name) if worker else None
    if periodic is not None:
        periodic.start()

    def stop_after_server(signum: int, frame: FrameType | None) -> None:
        # uvicorn shuts down on SIGTERM/SIGINT and then raises the signal again; with the
        # default handlers that would kill the process before the worker is stopped below.
        if worker is not None:
            worker.stop()

    signal.signal(signal.SIGTERM, stop_after_server)
    signal.signal(signal.SIGINT, stop_after_server)
    try:
        uvicorn.run("scheduler.app:create_app", factory=True, host=host, port=port)
    finally:
        # uvicorn returns on SIGINT/SIGTERM: stop the worker, re-queueing a running solve.
        if worker is not None and thread is not None:
            worker.stop()
            thread.join(timeout=30)
        if periodic is not None:
            periodic.stop()
