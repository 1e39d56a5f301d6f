"""The session store: opaque tokens in Redis, kept only as their SHA-256.

`session:<digest>` is a hash (user id, scopes, generation, absolute expiry, last use);
`user-sessions:<user id>` is the set of a user's digests, to clean them up at once;
`session-generation:<user id>` is the user's current session generation, an opaque random value.

A session is valid only while the generation it was created under is the user's current one.
Every change that must end a user's sessions (password, role, disabled) replaces the generation,
and a login creates its session only if the generation it read before reading the account is
still current, atomically (a script): so no session made from the account as it was before a
change outlives that change, whatever the timing. A lost generation key ends every session of
the user, never revives one. Both expiries are decided here against the clock; Redis TTLs only
collect what is dead.
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis

from spotify_api.core.redis_batch import BatchedScript
from spotify_api.core.security import new_token, token_digest
from spotify_api.settings import Settings

Clock = Callable[[], float]

#: Seconds a dead session may linger in Redis before its TTL collects it.
_GRACE_SECONDS = 60
_SESSION_PREFIX = "session:"
_GENERATION_PREFIX = "session-generation:"

# KEYS: generation, session, user's set. ARGV: expected generation, the TTLs of the session,
# the set and the generation, the digest, then the session's fields as name, value pairs.
_CREATE_IF_CURRENT = """
local unpack = table.unpack or unpack
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], 'generation', ARGV[1], unpack(ARGV, 6))
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[5])
redis.call('EXPIRE', KEYS[3], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
"""

# KEYS: session. ARGV: the prefix of generation keys. The session's fields (`_FIELDS`, in that
# order) and the current generation of its user, in one round trip. The generation key is
# derived from the hash, so it cannot be declared in KEYS: fine on a single Redis (or
# Sentinel), not on Redis Cluster.
_RESOLVE = """
local fields = redis.call('HMGET', KEYS[1], 'user_id', 'scopes', 'generation', 'expires_at',
                          'last_seen')
if not fields[1] then return {} end
fields[6] = redis.call('GET', ARGV[1] .. fields[1])
return fields
"""

# KEYS: generation, and the session to keep (if any). ARGV: the new generation, its TTL.
_REPLACE_GENERATION = """
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
if KEYS[2] and redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('HSET', KEYS[2], 'generation', ARGV[1])
end
return 1
"""


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
    return f"{_SESSION_PREFIX}{digest}"


def _user_key(user_id: uuid.UUID) -> str:
    return f"user-sessions:{user_id}"


def _generation_key(user_id: uuid.UUID) -> str:
    return f"{_GENERATION_PREFIX}{user_id}"


class SessionStore:
    def __init__(self, redis: Redis, settings: Settings, clock: Clock = time.time) -> None:
        self.redis = redis
        self.clock = clock
        self.idle_ttl = settings.session_idle_ttl_seconds
        self.absolute_ttl = settings.session_absolute_ttl_seconds
        # Writing the last use on every request would double Redis traffic; once in a
        # while is enough, at the cost of that much precision on the idle expiry.
        self.touch_interval = min(60.0, self.idle_ttl / 10)
        # The generation outlives every session made under it.
        self.generation_ttl = self.absolute_ttl + _GRACE_SECONDS
        self._create = redis.register_script(_CREATE_IF_CURRENT)
        # Resolving is what nearly every request does: the resolves made at once share a trip.
        self._resolve = BatchedScript(redis, _RESOLVE)
        self._replace = redis.register_script(_REPLACE_GENERATION)

    async def generation(self, user_id: uuid.UUID) -> str:
        """The user's current session generation (made if there is none yet).

        Read it before reading the account a session is made from, and pass it to `create`.
        """
        key = _generation_key(user_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(key, secrets.token_hex(16), nx=True, ex=self.generation_ttl)
            pipe.get(key)
            _, current = await pipe.execute()
        return _text(current)

    async def create(
        self, user_id: uuid.UUID, scopes: frozenset[str], generation: str
    ) -> IssuedToken | None:
        """A new session, or None if the user's generation is no longer `generation`."""
        token = new_token()
        digest = token_digest(token)
        now = self.clock()
        expires_at = now + self.absolute_ttl
        lifetime = min(self.idle_ttl, self.absolute_ttl)
        fields = {
            "user_id": str(user_id),
            "scopes": " ".join(sorted(scopes)),
            "expires_at": repr(expires_at),
            "last_seen": repr(now),
        }
        created = await self._create(
            keys=[_generation_key(user_id), _session_key(digest), _user_key(user_id)],
            args=[
                generation,
                lifetime + _GRACE_SECONDS,
                self.absolute_ttl + _GRACE_SECONDS,
                self.generation_ttl,
                digest,
                *(item for pair in fields.items() for item in pair),
            ],
        )
        if not created:
            return None
        return IssuedToken(token, AuthSession(user_id, scopes, digest, expires_at), lifetime)

    async def resolve(self, token: str) -> AuthSession | None:
        """The live session of a token, marked as used; None if unknown, expired or ended."""
        digest = token_digest(token)
        key = _session_key(digest)
        found = await self._resolve([key], [_GENERATION_PREFIX])
        if not found:
            return None
        user_id, scopes, generation, expires_at, last_seen, current = found
        session = AuthSession(
            uuid.UUID(_text(user_id)),
            frozenset(_text(scopes or b"").split()),
            digest,
            float(expires_at or 0),
        )
        now = self.clock()
        idle_for = now - float(last_seen or 0)
        stale = current is None or generation != current
        if stale or now >= session.expires_at or idle_for >= self.idle_ttl:
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

    async def end_all(self, user_id: uuid.UUID, *, keep: AuthSession | None = None) -> None:
        """End every session of a user, except `keep` when given, and any login in flight.

        Call it before and after committing the change that ends them: a login that read the
        account before the change then cannot make a session that outlives it, either way.
        """
        keys = [_generation_key(user_id)]
        if keep is not None:
            keys.append(_session_key(keep.digest))
        await self._replace(keys=keys, args=[secrets.token_hex(16), self.generation_ttl])
        # The sessions are dead already (their generation is gone); this only frees memory.
        user_key = _user_key(user_id)
        digests = {_text(member) for member in await self.redis.smembers(user_key)}
        if keep is not None:
            digests.discard(keep.digest)
        if digests:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.delete(*(_session_key(digest) for digest in digests))
                pipe.srem(user_key, *digests)
                await pipe.execute()
