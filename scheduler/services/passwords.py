"""Passwords for the web pages: argon2id hashes, checked in constant shape.

Only the hash is stored (``User.password_hash``). Checking a password for an
unknown user, an inactive one or one without a password still runs one
argon2 verification, so response times do not tell which usernames exist.
Hashes made with older parameters are upgraded on the next successful login.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import Session, select

from scheduler import audit
from scheduler.errors import FieldProblem, Invalid, NotAuthenticated
from scheduler.models import User

MIN_LENGTH = 10
MAX_LENGTH = 1024  # argon2 hashes anything, but a megabyte "password" is an attack
_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when there is no real hash, so every failure costs the same
    (made on first use: hashing is deliberately slow, and most commands never log in)."""
    return _hasher.hash("permanence-no-such-user")


def check_strength(password: str) -> None:
    """``Invalid`` (field ``password``) for a password too short or too long."""
    if len(password) < MIN_LENGTH:
        message = f"use at least {MIN_LENGTH} characters"
    elif len(password) > MAX_LENGTH:
        message = f"use at most {MAX_LENGTH} characters"
    else:
        return
    raise Invalid(f"password: {message}", fields=[FieldProblem("password", message)])


def hash_password(password: str) -> str:
    check_strength(password)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (always false without a hash)."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def set_password(*, session: Session, user: User, password: str, actor: User | None = None) -> None:
    """Give ``user`` a new password (the hash only is kept; the audit log says it changed).
    Commits."""
    user.password_hash = hash_password(password)
    session.add(user)
    audit.record(
        session,
        actor=actor,
        action="set_password",
        entity="user",
        entity_id=user.id,
        after={"username": user.username},
    )
    session.commit()


def authenticate_password(*, session: Session, username: str, password: str) -> User:
    """The active user with this username and password, or ``NotAuthenticated``."""
    user = session.exec(select(User).where(User.username == username)).first()
    stored = user.password_hash if user is not None and user.is_active else None
    if not verify_password(stored, password) or user is None:
        raise NotAuthenticated("unknown username or wrong password")
    assert stored is not None
    if _hasher.check_needs_rehash(stored):
        user.password_hash = _hasher.hash(password)
        session.add(user)
        session.commit()
    return user
