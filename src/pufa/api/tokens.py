"""The token format, in one place: `pufa_` and 43 URL-safe random characters; stored as its SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "pufa_"
#: Characters of the token kept readable (the `pufa_` marker and the first random characters).
VISIBLE = 12


def new_key() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def looks_like_key(key: str) -> bool:
    return key.startswith(PREFIX) and 20 <= len(key) <= 100
