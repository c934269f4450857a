"""Web sessions in a signed cookie, CSRF tokens, and the login throttle.

The session is a small JSON document in a cookie signed with HMAC-SHA256 over
the service's secret key: the user id, a fingerprint of their password hash
(changing the password ends every session), when it was issued, the CSRF token
of the session, and flash messages waiting to be shown. Nothing is stored
server-side, so any web process can serve any request.

Every form carries the session's CSRF token in a hidden ``csrf_token`` field;
a POST whose token does not match the cookie's is refused (the cookie is also
``SameSite=Lax``). Anonymous visitors get a session too, so the login form is
protected the same way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request, Response

from scheduler.config import get_settings
from scheduler.models import User

COOKIE_NAME = "permanence_session"
LANGUAGE_COOKIE = "permanence_lang"
# Officers keep their phone logged in; two weeks, then log in again.
SESSION_LIFETIME = 14 * 24 * 3600


def _key() -> bytes:
    return hashlib.sha256(b"permanence-web-session:" + get_settings().secret_key.encode()).digest()


def password_fingerprint(user: User) -> str:
    """Changes whenever the user's password changes, so old sessions stop working."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


@dataclass
class WebSession:
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    user_id: int | None = None
    fingerprint: str = ""
    issued: float = field(default_factory=time.time)
    flashes: list[tuple[str, str]] = field(default_factory=list)
    changed: bool = False

    def flash(self, kind: str, message: str) -> None:
        """A message for the next page shown (kind: ``ok`` or ``error``)."""
        self.flashes.append((kind, message))
        self.changed = True

    def take_flashes(self) -> list[tuple[str, str]]:
        flashes, self.flashes = self.flashes, []
        if flashes:
            self.changed = True
        return flashes

    def log_in(self, user: User) -> None:
        # A fresh CSRF token on login: a token seen before login is worth nothing after.
        self.user_id = user.id
        self.fingerprint = password_fingerprint(user)
        self.csrf = secrets.token_urlsafe(24)
        self.issued = time.time()
        self.changed = True

    def log_out(self) -> None:
        self.user_id = None
        self.fingerprint = ""
        self.csrf = secrets.token_urlsafe(24)
        self.changed = True

    def encode(self) -> str:
        data = {
            "u": self.user_id,
            "p": self.fingerprint,
            "c": self.csrf,
            "t": int(self.issued),
            "f": self.flashes,
        }
        body = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode())
        signature = hmac.new(_key(), body, hashlib.sha256).hexdigest()
        return body.decode() + "." + signature

    @classmethod
    def decode(cls, value: str | None, *, now: float | None = None) -> WebSession | None:
        """The session in a cookie value, or None if it is missing, forged or too old."""
        if not value or "." not in value:
            return None
        body, _, signature = value.rpartition(".")
        expected = hmac.new(_key(), body.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(signature, expected):
            return None
        try:
            data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body.encode()))
            session = cls(
                csrf=str(data["c"]),
                user_id=data["u"],
                fingerprint=str(data["p"]),
                issued=float(data["t"]),
                flashes=[(str(kind), str(text)) for kind, text in data.get("f", [])],
            )
        except (ValueError, KeyError, TypeError):
            return None
        if (now or time.time()) - session.issued > SESSION_LIFETIME:
            return None
        return session


def load_session(request: Request) -> WebSession:
    """The request's session (a new anonymous one if it has none), kept on the request."""
    existing = getattr(request.state, "web_session", None)
    if isinstance(existing, WebSession):
        return existing
    session = WebSession.decode(request.cookies.get(COOKIE_NAME))
    if session is None:
        session = WebSession(changed=True)
    request.state.web_session = session
    return session


def save_session(request: Request, response: Response) -> None:
    """Write the session cookie when the session changed during the request."""
    session = getattr(request.state, "web_session", None)
    if not isinstance(session, WebSession) or not session.changed:
        return
    response.set_cookie(
        COOKIE_NAME,
        session.encode(),
        max_age=SESSION_LIFETIME,
        httponly=True,
        samesite="lax",
        secure=get_settings().base_url.startswith("https://"),
        path="/",
    )


def csrf_matches(session: WebSession, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(session.csrf, token or "")


class LoginThrottle:
    """Failed logins per username and per client address within a sliding window.

    Kept in memory per process: enough to make guessing slow (a handful of
    tries per quarter hour per name), without a table written on every failure.
    """

    def __init__(
        self,
        *,
        per_user: int = 5,
        per_address: int = 20,
        window: float = 15 * 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_user = per_user
        self.per_address = per_address
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str) -> deque[float]:
        failures = self._failures[key]
        horizon = self.clock() - self.window
        while failures and failures[0] <= horizon:
            failures.popleft()
        return failures

    def retry_after(self, *, username: str, address: str) -> float:
        """Seconds until another try is allowed; 0 when it is allowed now."""
        with self._lock:
            waits = []
            for key, limit in (
                ("u:" + username.lower(), self.per_user),
                ("a:" + address, self.per_address),
            ):
                failures = self._recent(key)
                if len(failures) >= limit:
                    waits.append(failures[0] + self.window - self.clock())
            return max(waits, default=0.0)

    def failed(self, *, username: str, address: str) -> None:
        with self._lock:
            now = self.clock()
            self._failures["u:" + username.lower()].append(now)
            self._failures["a:" + address].append(now)

    def succeeded(self, *, username: str) -> None:
        with self._lock:
            self._failures.pop("u:" + username.lower(), None)
