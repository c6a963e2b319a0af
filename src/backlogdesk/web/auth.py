"""Who may record actions: a users file of salted scrypt hashes, an optional
identity header set by a company proxy, and a signed session cookie.

The users file holds one ``name:hash`` line per person; the hash is
``scrypt$<log2 n>$<r>$<p>$<salt>$<key>`` (base64), so the cost can be raised
later without invalidating older lines.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

from backlogdesk.errors import InputError

# 2**15 x 8 x 128 bytes = 32 MiB per check: slow to guess, quick enough to sign in.
SCRYPT_LOG2_N = 15
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
NAME_PATTERN = re.compile(r"^[\w.@+-][\w .@+-]{0,63}$")
SESSION_SECONDS = 12 * 3600
SECRET_ENV = "BACKLOGDESK_SECRET_KEY"
MAX_FAILURES = 5
LOCKOUT_SECONDS = 15 * 60


def check_name(name: str) -> str:
    """A user or owner name as typed, or InputError saying what is allowed."""
    cleaned = name.strip()
    if not NAME_PATTERN.match(cleaned):
        raise InputError(
            f"'{name}' is not a usable name: use 1-64 letters, digits, spaces "
            "or . @ + - (no colon)."
        )
    return cleaned


def hash_password(password: str, salt: bytes | None = None) -> str:
    """The stored form of ``password``: scrypt with a fresh random salt."""
    salt = salt if salt is not None else os.urandom(SALT_BYTES)
    key = _scrypt(password, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
    return "$".join(
        ["scrypt", str(SCRYPT_LOG2_N), str(SCRYPT_R), str(SCRYPT_P)]
        + [base64.b64encode(part).decode("ascii") for part in (salt, key)]
    )


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches a stored hash (constant-time compare)."""
    try:
        scheme, log2_n, r, p, salt_text, key_text = stored.split("$")
        salt, key = base64.b64decode(salt_text), base64.b64decode(key_text)
        if scheme != "scrypt":
            return False
        candidate = _scrypt(password, salt, int(log2_n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(candidate, key)


def _scrypt(password: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    memory = 2 * 128 * r * (2**log2_n) * p + 1024 * 1024
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=2**log2_n,
        r=r,
        p=p,
        maxmem=memory,
        dklen=KEY_BYTES,
    )


# A hash to check unknown names against, so a wrong name costs as long as a
# wrong password and response times do not reveal who has an account.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


@dataclass
class Users:
    """The people who may sign in, by name, with their password hashes."""

    hashes: dict[str, str] = field(default_factory=dict)
    origin: str = "no users file"

    def verify(self, name: str, password: str) -> bool:
        """True when ``name`` is a user and ``password`` is theirs."""
        stored = self.hashes.get(name.strip())
        matched = verify_password(password, stored or _DUMMY_HASH)
        return stored is not None and matched


def load_users(path: Path | None) -> Users:
    """Read a users file (``name:hash`` per line; # starts a comment)."""
    users = Users()
    if path is None:
        return users
    users.origin = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            f"{path}: users file not found. Create it with "
            f"'backlogdesk users add NAME --users {path}'."
        ) from None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, separator, stored = line.rpartition(":")
        if not separator or not stored.startswith("scrypt$"):
            raise InputError(
                f"{path}, line {number}: expected NAME:scrypt$...; add users "
                "with 'backlogdesk users add'."
            )
        users.hashes[check_name(name)] = stored
    return users


def add_user(path: Path, name: str, password: str) -> bool:
    """Add ``name`` to the users file, or replace their password; True if new."""
    name = check_name(name)
    if len(password) < 8:
        raise InputError("The password needs at least 8 characters.")
    users = load_users(path) if path.exists() else Users()
    is_new = name not in users.hashes
    users.hashes[name] = hash_password(password)
    lines = [f"{user}:{stored}" for user, stored in sorted(users.hashes.items())]
    text = "# Backlog Desk users: name:scrypt hash\n" + "\n".join(lines) + "\n"
    # Owner-only from the first byte: the hashes must not be readable by others.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    return is_new


def secret_key() -> str:
    """The session signing key: from the environment, else random per process."""
    configured = os.environ.get(SECRET_ENV, "")
    if configured and len(configured) < 32:
        raise InputError(f"{SECRET_ENV} must be at least 32 characters long.")
    return configured or secrets.token_urlsafe(48)


class Sessions:
    """Signed session cookies: who is signed in and the form token."""

    cookie = "backlogdesk_session"

    def __init__(self, key: str) -> None:
        self._serializer = URLSafeTimedSerializer(key, salt="backlogdesk-session")

    def load(self, cookie: str | None) -> dict[str, Any] | None:
        """The session in ``cookie``, or None when missing, forged or expired."""
        if not cookie:
            return None
        try:
            data = self._serializer.loads(cookie, max_age=SESSION_SECONDS)
        except BadSignature:
            return None
        return data if isinstance(data, dict) else None

    def dump(self, session: dict[str, Any]) -> str:
        """The signed cookie text of ``session``."""
        return str(self._serializer.dumps(session))


class SignInGuard:
    """Refuses a name for a while after repeated wrong passwords."""

    def __init__(self) -> None:
        self._failures: dict[str, list[float]] = {}

    def locked(self, name: str) -> bool:
        """True while ``name`` has too many recent failures."""
        recent = self._recent(name)
        return len(recent) >= MAX_FAILURES

    def failed(self, name: str) -> None:
        """Count one wrong password for ``name``."""
        self._failures[name] = [*self._recent(name), time.monotonic()]

    def succeeded(self, name: str) -> None:
        """Forget the failures of ``name``."""
        self._failures.pop(name, None)

    def _recent(self, name: str) -> list[float]:
        cutoff = time.monotonic() - LOCKOUT_SECONDS
        return [moment for moment in self._failures.get(name, []) if moment > cutoff]
