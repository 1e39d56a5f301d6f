"""The session store: opaque tokens in Redis, kept only as their SHA-256.

`session:<digest>` is a hash (user id, scopes, absolute expiry) whose TTL slides with use;
`user-sessions:<user id>` is the set of a user's digests, to end them all at once.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from redis.asyncio import Redis

from spotify_api.core.security import new_token, token_digest
from spotify_api.settings import Settings


@dataclass(frozen=True, slots=True)
class AuthSession:
    user_id: uuid.UUID
    scopes: frozenset[str]
    digest: str
    expires_at: int  # absolute expiry, epoch seconds


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    session: AuthSession
    expires_in: int


def _session_key(digest: str) -> str:
    return f"session:{digest}"


def _user_key(user_id: uuid.UUID) -> str:
    return f"user-sessions:{user_id}"


class SessionStore:
    def __init__(self, redis: Redis, settings: Settings) -> None:
        self.redis = redis
        self.idle_ttl = settings.session_idle_ttl_seconds
        self.absolute_ttl = settings.session_absolute_ttl_seconds

    async def create(self, user_id: uuid.UUID, scopes: frozenset[str]) -> IssuedToken:
        token = new_token()
        digest = token_digest(token)
        expires_at = int(time.time()) + self.absolute_ttl
        ttl = min(self.idle_ttl, self.absolute_ttl)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(
                _session_key(digest),
                mapping={
                    "user_id": str(user_id),
                    "scopes": " ".join(sorted(scopes)),
                    "expires_at": expires_at,
                },
            )
            pipe.expire(_session_key(digest), ttl)
            pipe.sadd(_user_key(user_id), digest)
            pipe.expire(_user_key(user_id), self.absolute_ttl)
            await pipe.execute()
        return IssuedToken(token, AuthSession(user_id, scopes, digest, expires_at), ttl)

    async def resolve(self, token: str) -> AuthSession | None:
        """The live session of a token, its idle expiry pushed back; None if there is none."""
        digest = token_digest(token)
        key = _session_key(digest)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(key)
            pipe.expire(key, self.idle_ttl, xx=True)
            fields, _ = await pipe.execute()
        if not fields:
            return None
        expires_at = int(fields[b"expires_at"])
        remaining = expires_at - int(time.time())
        if remaining <= 0:
            await self.redis.delete(key)
            return None
        if remaining < self.idle_ttl:
            await self.redis.expire(key, remaining)
        scopes = frozenset(fields[b"scopes"].decode().split())
        return AuthSession(uuid.UUID(fields[b"user_id"].decode()), scopes, digest, expires_at)

    async def revoke(self, session: AuthSession) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(_session_key(session.digest))
            pipe.srem(_user_key(session.user_id), session.digest)
            await pipe.execute()

    async def revoke_all(self, user_id: uuid.UUID, *, keep: AuthSession | None = None) -> None:
        """End every session of a user, except `keep` when given."""
        members = await self.redis.smembers(_user_key(user_id))
        digests = {m.decode() if isinstance(m, bytes) else m for m in members}
        if keep is not None:
            digests.discard(keep.digest)
        if not digests:
            return
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(*(_session_key(digest) for digest in digests))
            pipe.srem(_user_key(user_id), *digests)
            await pipe.execute()
