"""The session store: opaque tokens in Redis, kept only as their SHA-256.

`session:<digest>` is a hash (user id, scopes, absolute expiry, last use);
`user-sessions:<user id>` is the set of a user's digests, to end them all at once.
Both expiries are decided here against the clock; Redis TTLs only collect what is dead.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis

from spotify_api.core.security import new_token, token_digest
from spotify_api.settings import Settings

Clock = Callable[[], float]

#: Seconds a dead session may linger in Redis before its TTL collects it.
_GRACE_SECONDS = 60


@dataclass(frozen=True, slots=True)
class AuthSession:
    user_id: uuid.UUID
    scopes: frozenset[str]
    digest: str
    expires_at: float  # absolute expiry, epoch seconds


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    session: AuthSession
    expires_in: int


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _session_key(digest: str) -> str:
    return f"session:{digest}"


def _user_key(user_id: uuid.UUID) -> str:
    return f"user-sessions:{user_id}"


class SessionStore:
    def __init__(self, redis: Redis, settings: Settings, clock: Clock = time.time) -> None:
        self.redis = redis
        self.clock = clock
        self.idle_ttl = settings.session_idle_ttl_seconds
        self.absolute_ttl = settings.session_absolute_ttl_seconds
        # Writing the last use on every request would double Redis traffic; once in a
        # while is enough, at the cost of that much precision on the idle expiry.
        self.touch_interval = min(60.0, self.idle_ttl / 10)

    async def create(self, user_id: uuid.UUID, scopes: frozenset[str]) -> IssuedToken:
        token = new_token()
        digest = token_digest(token)
        now = self.clock()
        expires_at = now + self.absolute_ttl
        lifetime = min(self.idle_ttl, self.absolute_ttl)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(
                _session_key(digest),
                mapping={
                    "user_id": str(user_id),
                    "scopes": " ".join(sorted(scopes)),
                    "expires_at": repr(expires_at),
                    "last_seen": repr(now),
                },
            )
            pipe.expire(_session_key(digest), lifetime + _GRACE_SECONDS)
            pipe.sadd(_user_key(user_id), digest)
            pipe.expire(_user_key(user_id), self.absolute_ttl + _GRACE_SECONDS)
            await pipe.execute()
        return IssuedToken(token, AuthSession(user_id, scopes, digest, expires_at), lifetime)

    async def resolve(self, token: str) -> AuthSession | None:
        """The live session of a token, marked as used; None if it is unknown or expired."""
        digest = token_digest(token)
        key = _session_key(digest)
        fields = await self.redis.hgetall(key)
        if not fields:
            return None
        session = AuthSession(
            uuid.UUID(_text(fields[b"user_id"])),
            frozenset(_text(fields[b"scopes"]).split()),
            digest,
            float(fields[b"expires_at"]),
        )
        now = self.clock()
        idle_for = now - float(fields[b"last_seen"])
        if now >= session.expires_at or idle_for >= self.idle_ttl:
            await self.revoke(session)
            return None
        if idle_for >= self.touch_interval:
            lifetime = min(self.idle_ttl, session.expires_at - now)
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.hset(key, "last_seen", repr(now))
                pipe.expire(key, int(lifetime) + _GRACE_SECONDS)
                await pipe.execute()
        return session

    async def revoke(self, session: AuthSession) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(_session_key(session.digest))
            pipe.srem(_user_key(session.user_id), session.digest)
            await pipe.execute()

    async def revoke_all(self, user_id: uuid.UUID, *, keep: AuthSession | None = None) -> None:
        """End every session of a user, except `keep` when given."""
        members = await self.redis.smembers(_user_key(user_id))
        digests = {_text(member) for member in members}
        if keep is not None:
            digests.discard(keep.digest)
        if not digests:
            return
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(*(_session_key(digest) for digest in digests))
            pipe.srem(_user_key(user_id), *digests)
            await pipe.execute()
