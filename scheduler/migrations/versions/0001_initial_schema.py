"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 09:05:40.045070
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "auditevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auditevent_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_auditevent_cooperation_id"), ["cooperation_id"], unique=False
        )

    op.create_table(
        "cooperation",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("calendar", sa.JSON(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("objective", sa.JSON(), nullable=False),
        sa.Column("solver_options", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("cooperation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cooperation_slug"), ["slug"], unique=True)

    op.create_table(
        "leader_lease",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("acquired_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "periodicmark",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("periodicmark", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_periodicmark_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "periodicrun",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.String(length=64), nullable=False),
        sa.Column("trigger_key", sa.String(length=40), nullable=False),
        sa.Column("scheduled_for", UTCDateTime(), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.String(length=2000), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("job_id", "trigger_key"),
    )
    with op.batch_alter_table("periodicrun", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_periodicrun_job_id"), ["job_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_periodicrun_started_at"), ["started_at"], unique=False)

    op.create_table(
        "workerheartbeat",
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("beat_at", UTCDateTime(), nullable=False),
        sa.Column("is_leader", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    with op.batch_alter_table("workerheartbeat", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workerheartbeat_beat_at"), ["beat_at"], unique=False)

    op.create_table(
        "role",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("requires", sa.JSON(), nullable=False),
        sa.Column("staff", sa.Integer(), nullable=False),
        sa.Column("shifts", sa.JSON(), nullable=False),
        sa.Column("zone_shares", sa.JSON(), nullable=True),
        sa.Column("min_gap", sa.String(length=32), nullable=True),
        sa.Column("max_duties", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cooperation_id", "code"),
    )
    with op.batch_alter_table("role", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_role_cooperation_id"), ["cooperation_id"], unique=False
        )

    op.create_table(
        "rollingpolicy",
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("ahead_weeks", sa.Integer(), nullable=False),
        sa.Column("run_day", sa.Integer(), nullable=False),
        sa.Column("auto_publish", sa.Boolean(), nullable=False),
        sa.Column("time_limit", sa.Float(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("cooperation_id"),
    )
    op.create_table(
        "shiftoverride",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("shift", sa.String(length=64), nullable=False),
        sa.Column("staff", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cooperation_id", "shift"),
    )
    with op.batch_alter_table("shiftoverride", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shiftoverride_cooperation_id"), ["cooperation_id"], unique=False
        )

    op.create_table(
        "swappolicy",
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("approval", sa.String(length=16), nullable=False),
        sa.Column("each_zone", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("cooperation_id"),
    )
    op.create_table(
        "zone",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cooperation_id", "code"),
    )
    with op.batch_alter_table("zone", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_zone_cooperation_id"), ["cooperation_id"], unique=False
        )

    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("qualifications", sa.JSON(), nullable=False),
        sa.Column("fte", sa.Float(), nullable=False),
        sa.Column("active_start", sa.Date(), nullable=True),
        sa.Column("active_end", sa.Date(), nullable=True),
        sa.Column("phone", sa.String(length=64), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["zone_id"],
            ["zone.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cooperation_id", "code"),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_cooperation_id"), ["cooperation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_person_zone_id"), ["zone_id"], unique=False)

    op.create_table(
        "zonehistoryload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("load", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["role_id"], ["role.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["zone_id"], ["zone.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("zone_id", "role_id"),
    )
    with op.batch_alter_table("zonehistoryload", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_zonehistoryload_cooperation_id"), ["cooperation_id"], unique=False
        )

    op.create_table(
        "absence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.DateTime(), nullable=False),
        sa.Column("end", sa.DateTime(), nullable=False),
        sa.Column("whole_days", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("absence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_absence_cooperation_id"), ["cooperation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_absence_person_id"), ["person_id"], unique=False)

    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("password_hash", sa.String(length=256), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_app_user_username"), ["username"], unique=True)

    op.create_table(
        "historyduty",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.DateTime(), nullable=False),
        sa.Column("end", sa.DateTime(), nullable=False),
        sa.Column("whole_days", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["role_id"], ["role.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("historyduty", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_historyduty_cooperation_id"), ["cooperation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_historyduty_person_id"), ["person_id"], unique=False)

    op.create_table(
        "personhistoryload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("load", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["role_id"], ["role.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "role_id"),
    )
    with op.batch_alter_table("personhistoryload", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_personhistoryload_cooperation_id"), ["cooperation_id"], unique=False
        )

    op.create_table(
        "pin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("shift", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cooperation_id", "shift", "person_id"),
    )
    with op.batch_alter_table("pin", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pin_cooperation_id"), ["cooperation_id"], unique=False)

    op.create_table(
        "preference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.DateTime(), nullable=False),
        sa.Column("end", sa.DateTime(), nullable=False),
        sa.Column("whole_days", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("preference", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_preference_cooperation_id"), ["cooperation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_preference_person_id"), ["person_id"], unique=False)

    op.create_table(
        "reminderoptin",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("hours_before", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("person_id"),
    )
    op.create_table(
        "apitoken",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("apitoken", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_apitoken_user_id"), ["user_id"], unique=False)

    op.create_table(
        "feedtoken",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("alarm_minutes", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("feedtoken", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedtoken_cooperation_id"), ["cooperation_id"], unique=False
        )

    op.create_table(
        "rotaversion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("horizon_start", sa.Date(), nullable=False),
        sa.Column("horizon_end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("rota", sa.JSON(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["rotaversion.id"],
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("rotaversion", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rotaversion_cooperation_id"), ["cooperation_id"], unique=False
        )
        batch_op.create_index(
            "uq_rotaversion_published",
            ["cooperation_id", "horizon_start", "horizon_end"],
            unique=True,
            sqlite_where=sa.text("status = 'published'"),
            postgresql_where=sa.text("status = 'published'"),
        )

    op.create_table(
        "userzone",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["zone_id"], ["zone.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "zone_id"),
    )
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("shift", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("zone", sa.String(length=32), nullable=False),
        sa.Column("start", UTCDateTime(), nullable=False),
        sa.Column("end", UTCDateTime(), nullable=False),
        sa.Column("load", sa.Float(), nullable=False),
        sa.Column("fixed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(["version_id"], ["rotaversion.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "shift", "person_id"),
    )
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignment_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignment_start"), ["start"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignment_version_id"), ["version_id"], unique=False)

    op.create_table(
        "feedcache",
        sa.Column("feed_token_id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("etag", sa.String(length=80), nullable=False),
        sa.Column("last_modified", UTCDateTime(), nullable=True),
        sa.Column("window_start", sa.Date(), nullable=True),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("rendered_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["feed_token_id"], ["feedtoken.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("feed_token_id"),
    )
    with op.batch_alter_table("feedcache", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedcache_cooperation_id"), ["cooperation_id"], unique=False
        )

    op.create_table(
        "generationjob",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("horizon_start", sa.Date(), nullable=False),
        sa.Column("horizon_end", sa.Date(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("progress", sa.JSON(), nullable=False),
        sa.Column("error", sa.String(), nullable=True),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("worker", sa.String(length=128), nullable=True),
        sa.Column("result_version_id", sa.Integer(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["result_version_id"],
            ["rotaversion.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("generationjob", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_generationjob_cooperation_id"), ["cooperation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_generationjob_status"), ["status"], unique=False)

    op.create_table(
        "swaprequest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("shift", sa.String(length=64), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("taker_id", sa.Integer(), nullable=True),
        sa.Column("counter_shift", sa.String(length=64), nullable=True),
        sa.Column("cover_start", UTCDateTime(), nullable=True),
        sa.Column("cover_end", UTCDateTime(), nullable=True),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("message", sa.String(length=2000), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("zones", sa.JSON(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("applied_version_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["applied_version_id"],
            ["rotaversion.id"],
        ),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["taker_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["rotaversion.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("swaprequest", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_swaprequest_cooperation_id"), ["cooperation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_swaprequest_requester_id"), ["requester_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_swaprequest_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_swaprequest_target_id"), ["target_id"], unique=False)

    op.create_table(
        "notificationoutbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("swap_request_id", sa.Integer(), nullable=True),
        sa.Column("recipient_person_id", sa.Integer(), nullable=True),
        sa.Column("recipient_user_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recipient_person_id"], ["person.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recipient_user_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["swap_request_id"], ["swaprequest.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("notificationoutbox", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notificationoutbox_cooperation_id"), ["cooperation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_notificationoutbox_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_notificationoutbox_sent_at"), ["sent_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_notificationoutbox_swap_request_id"), ["swap_request_id"], unique=False
        )

    op.create_table(
        "swapapproval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("zone", sa.String(length=32), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(["request_id"], ["swaprequest.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_id", "zone"),
    )
    with op.batch_alter_table("swapapproval", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_swapapproval_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "swapdutylock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("shift", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(["request_id"], ["swaprequest.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cooperation_id", "shift", "person_id"),
    )
    with op.batch_alter_table("swapdutylock", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_swapdutylock_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "notificationdelivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.String(length=2000), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["outbox_id"], ["notificationoutbox.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("outbox_id", "channel", "target"),
    )
    with op.batch_alter_table("notificationdelivery", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notificationdelivery_next_attempt_at"), ["next_attempt_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_notificationdelivery_outbox_id"), ["outbox_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_notificationdelivery_status"), ["status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("notificationdelivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notificationdelivery_status"))
        batch_op.drop_index(batch_op.f("ix_notificationdelivery_outbox_id"))
        batch_op.drop_index(batch_op.f("ix_notificationdelivery_next_attempt_at"))

    op.drop_table("notificationdelivery")
    with op.batch_alter_table("swapdutylock", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_swapdutylock_request_id"))

    op.drop_table("swapdutylock")
    with op.batch_alter_table("swapapproval", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_swapapproval_request_id"))

    op.drop_table("swapapproval")
    with op.batch_alter_table("notificationoutbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notificationoutbox_swap_request_id"))
        batch_op.drop_index(batch_op.f("ix_notificationoutbox_sent_at"))
        batch_op.drop_index(batch_op.f("ix_notificationoutbox_created_at"))
        batch_op.drop_index(batch_op.f("ix_notificationoutbox_cooperation_id"))

    op.drop_table("notificationoutbox")
    with op.batch_alter_table("swaprequest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_swaprequest_target_id"))
        batch_op.drop_index(batch_op.f("ix_swaprequest_status"))
        batch_op.drop_index(batch_op.f("ix_swaprequest_requester_id"))
        batch_op.drop_index(batch_op.f("ix_swaprequest_cooperation_id"))

    op.drop_table("swaprequest")
    with op.batch_alter_table("generationjob", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_generationjob_status"))
        batch_op.drop_index(batch_op.f("ix_generationjob_cooperation_id"))

    op.drop_table("generationjob")
    with op.batch_alter_table("feedcache", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedcache_cooperation_id"))

    op.drop_table("feedcache")
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_version_id"))
        batch_op.drop_index(batch_op.f("ix_assignment_start"))
        batch_op.drop_index(batch_op.f("ix_assignment_person_id"))

    op.drop_table("assignment")
    op.drop_table("userzone")
    with op.batch_alter_table("rotaversion", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_rotaversion_published",
            sqlite_where=sa.text("status = 'published'"),
            postgresql_where=sa.text("status = 'published'"),
        )
        batch_op.drop_index(batch_op.f("ix_rotaversion_cooperation_id"))

    op.drop_table("rotaversion")
    with op.batch_alter_table("feedtoken", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedtoken_cooperation_id"))

    op.drop_table("feedtoken")
    with op.batch_alter_table("apitoken", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_apitoken_user_id"))

    op.drop_table("apitoken")
    op.drop_table("reminderoptin")
    with op.batch_alter_table("preference", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_preference_person_id"))
        batch_op.drop_index(batch_op.f("ix_preference_cooperation_id"))

    op.drop_table("preference")
    with op.batch_alter_table("pin", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pin_cooperation_id"))

    op.drop_table("pin")
    with op.batch_alter_table("personhistoryload", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_personhistoryload_cooperation_id"))

    op.drop_table("personhistoryload")
    with op.batch_alter_table("historyduty", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_historyduty_person_id"))
        batch_op.drop_index(batch_op.f("ix_historyduty_cooperation_id"))

    op.drop_table("historyduty")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_app_user_username"))

    op.drop_table("app_user")
    with op.batch_alter_table("absence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_absence_person_id"))
        batch_op.drop_index(batch_op.f("ix_absence_cooperation_id"))

    op.drop_table("absence")
    with op.batch_alter_table("zonehistoryload", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_zonehistoryload_cooperation_id"))

    op.drop_table("zonehistoryload")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_zone_id"))
        batch_op.drop_index(batch_op.f("ix_person_cooperation_id"))

    op.drop_table("person")
    with op.batch_alter_table("zone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_zone_cooperation_id"))

    op.drop_table("zone")
    op.drop_table("swappolicy")
    with op.batch_alter_table("shiftoverride", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shiftoverride_cooperation_id"))

    op.drop_table("shiftoverride")
    op.drop_table("rollingpolicy")
    with op.batch_alter_table("role", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_role_cooperation_id"))

    op.drop_table("role")
    with op.batch_alter_table("workerheartbeat", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workerheartbeat_beat_at"))

    op.drop_table("workerheartbeat")
    with op.batch_alter_table("periodicrun", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_periodicrun_started_at"))
        batch_op.drop_index(batch_op.f("ix_periodicrun_job_id"))

    op.drop_table("periodicrun")
    with op.batch_alter_table("periodicmark", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_periodicmark_created_at"))

    op.drop_table("periodicmark")
    op.drop_table("leader_lease")
    with op.batch_alter_table("cooperation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cooperation_slug"))

    op.drop_table("cooperation")
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auditevent_cooperation_id"))
        batch_op.drop_index(batch_op.f("ix_auditevent_at"))

    op.drop_table("auditevent")
