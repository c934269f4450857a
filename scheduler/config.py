"""Service configuration from the environment (prefix ``PERMANENCE_``) or a ``.env`` file."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me-in-production"


class WebhookTarget(BaseModel):
    """A URL that receives every notification event as signed JSON (chat tools, control room).

    ``cooperation`` (a slug) limits it to one cooperation; ``events`` to some event
    names (``swap.created``, ``duty.conflict``, …); ``secret`` signs the body
    (HMAC-SHA256), falling back to ``webhook_secret``.
    """

    url: str
    secret: str | None = None
    cooperation: str | None = None
    events: list[str] | None = None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PERMANENCE_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///permanence.db"
    secret_key: str = PLACEHOLDER_SECRET
    base_url: str = "http://127.0.0.1:8000"
    language: Literal["nl", "en"] = "nl"
    timezone: str = "Europe/Brussels"

    # Workers (and the embedded worker of ``serve``) log JSON lines; false: plain text.
    log_json: bool = True

    # --- Periodic jobs (``permanence worker``; see docs/operations.md) ---
    leader_lease_seconds: float = Field(default=30.0, gt=0)
    # A trigger missed while every worker was down still runs once if a worker is back
    # within this time; older misses are skipped (and the job runs at its next trigger).
    misfire_grace_seconds: int = Field(default=6 * 3600, ge=1)
    delivery_interval_seconds: float = Field(default=15.0, gt=0)
    conflict_check_seconds: float = Field(default=30.0, gt=0)
    swap_reminder_offsets: list[timedelta] = Field(
        default_factory=lambda: [timedelta(days=7), timedelta(days=2), timedelta(hours=12)]
    )
    # Cooperations without a rolling policy row get this one when it is enabled.
    rolling_default_enabled: bool = False
    rolling_default_ahead_weeks: int = Field(default=13, ge=1, le=104)
    rolling_default_run_day: int = Field(default=1, ge=1, le=28)
    rolling_default_auto_publish: bool = False
    # Finished generation jobs, delivered notifications and run records older than this go.
    keep_history_days: int = Field(default=90, ge=1)

    # --- Notification delivery ---
    smtp_host: str | None = None  # no host: e-mail is not sent (webhooks still are)
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "Permanence <permanence@localhost>"
    smtp_starttls: bool = False
    smtp_timeout: float = 10.0
    webhooks: list[WebhookTarget] = Field(default_factory=list)
    webhook_secret: str | None = None
    webhook_timeout: float = 10.0
    delivery_max_attempts: int = Field(default=10, ge=1)
    delivery_backoff_seconds: float = Field(default=30.0, gt=0)
    delivery_backoff_max_seconds: float = Field(default=3600.0, gt=0)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}'") from None
        return value

    @field_validator("base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @model_validator(mode="after")
    def _real_secret_outside_development(self) -> Settings:
        if self.environment != "development" and (
            self.secret_key == PLACEHOLDER_SECRET or len(self.secret_key) < 32
        ):
            raise ValueError(
                "PERMANENCE_SECRET_KEY must be a random value of at least 32 characters "
                "outside development, e.g. the output of "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
