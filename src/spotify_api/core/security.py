"""Password hashing (off the event loop) and opaque token generation and hashing."""

from __future__ import annotations

import asyncio
import hashlib
import secrets

from passlib.context import CryptContext

from spotify_api.settings import Settings

TOKEN_BYTES = 32  # 256 bits of randomness


class PasswordHasher:
    """argon2id through passlib; hashing costs tens of milliseconds, so it runs in a thread."""

    def __init__(self, settings: Settings) -> None:
        self._context = CryptContext(
            schemes=["argon2"],
            argon2__type="ID",
            argon2__memory_cost=settings.password_hash_memory_kib,
            argon2__rounds=settings.password_hash_time_cost,
            argon2__parallelism=settings.password_hash_parallelism,
        )

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._context.hash, password)

    async def verify(self, password: str, password_hash: str | None) -> tuple[bool, str | None]:
        """Check a password; also return a new hash when the stored one uses old parameters.

        With no stored hash (unknown user) a dummy verification still runs, so that the answer
        takes as long as for a known user and does not reveal which usernames exist.
        """
        if password_hash is None:
            await asyncio.to_thread(self._context.dummy_verify)
            return False, None
        ok, new_hash = await asyncio.to_thread(
            self._context.verify_and_update, password, password_hash
        )
        return bool(ok), new_hash


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    """What the session store keeps instead of the token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()
