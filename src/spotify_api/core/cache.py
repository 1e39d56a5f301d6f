"""The response cache for public reads: stored bytes and a strong ETag, in Redis, by version.

Every entry lives under `catalog:v{version}:{path}?{query}`, the version read before rendering.
A write bumps the version (one INCR), which makes every older entry unreachable at once; they
expire on their own. A hit is one round trip (a Lua script reads the version, then the entry)
and sends the stored bytes untouched. Concurrent misses of one key render once: the first takes
a short lock, the others poll for its entry. Redis is an optimisation here, never a dependency
of a read: a failing or slow Redis is skipped for a moment and reads are rendered directly.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, urlencode

from fastapi import Depends, Request, Response
from pydantic import BaseModel
from redis.asyncio import Redis
from redis.exceptions import RedisError

from spotify_api.core.errors import ServiceUnavailable
from spotify_api.core.metrics import CATALOG_CACHE
from spotify_api.settings import Settings

logger = logging.getLogger("spotify_api.cache")

CATALOG_VERSION_KEY = "catalog:version"
ENTRY_PREFIX = "catalog:v"
LOCK_PREFIX = "catalog:lock:v"
LOCK_MILLISECONDS = 3000  # a render that takes longer lets another request take over
WAIT_SECONDS = 1.5  # how long a request waits for another one's render before rendering itself
POLL_SECONDS = 0.015
BREAKER_THRESHOLD = 3  # failures in a row that open the breaker
BREAKER_SECONDS = 1.0  # after a Redis failure, how long to skip Redis altogether

CACHE_ERRORS = (RedisError, TimeoutError, OSError)

T = TypeVar("T")

# KEYS: version key. ARGV: entry prefix, lock prefix, ":{resource}", lock token, lock ms.
# -> {version, entry} on a hit; {version, nil, 1 if this caller took the lock else 0} on a miss.
_LOOKUP = """
local version = redis.call('GET', KEYS[1]) or '0'
local entry = redis.call('GET', ARGV[1] .. version .. ARGV[3])
if entry then return {version, entry} end
local lock = ARGV[2] .. version .. ARGV[3]
if redis.call('SET', lock, ARGV[4], 'PX', ARGV[5], 'NX') then return {version, false, 1} end
return {version, false, 0}
"""
# KEYS: entry, lock. -> {entry} or {nil, 1 while the lock is held else 0}
_POLL = """
local entry = redis.call('GET', KEYS[1])
if entry then return {entry} end
return {false, redis.call('EXISTS', KEYS[2])}
"""
# KEYS: entry, lock. ARGV: value ('' to store nothing), TTL seconds, lock token ('' if none).
_FINISH = """
if ARGV[1] ~= '' then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
if ARGV[3] ~= '' and redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return 1
"""

_ENTITY_TAG = re.compile(r'(?:W/)?"[^"]*"')


async def invalidate_catalog(redis: Redis) -> None:
    """Make every cached catalog response obsolete: one INCR of the version."""
    await redis.incr(CATALOG_VERSION_KEY)


def make_etag(body: bytes) -> str:
    """A strong entity tag: the quoted hash of the exact bytes."""
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def none_match(header: str | None, etag: str) -> bool:
    """Whether an If-None-Match value matches `etag` (weak comparison, RFC 9110 13.1.2)."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == opaque for tag in _ENTITY_TAG.findall(header))


def resource_of(request: Request) -> str:
    """The path and the normalised query: parameters sorted by name (the values of a repeated
    name keep their order), empty values dropped, everything percent-encoded."""
    path = quote(request.url.path, safe="/-._~!$&'()*+,;=:@")
    params = sorted(
        ((name, value) for name, value in request.query_params.multi_items() if value != ""),
        key=lambda item: item[0],
    )
    return f"{path}?{urlencode(params)}" if params else path


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class CacheBreaker:
    """Process-local: after `threshold` Redis failures in a row, the cache is skipped for
    `cooldown` seconds, so that a dead or hung Redis costs a few time-outs now and then, not
    one per request. A single late reply (a busy event loop, a burst of new connections) only
    sends that one request to the database."""

    def __init__(
        self,
        cooldown: float = BREAKER_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        threshold: int = BREAKER_THRESHOLD,
    ) -> None:
        self.cooldown = cooldown
        self.clock = clock
        self.threshold = threshold
        self.failures = 0
        self.open_until = 0.0

    def is_open(self) -> bool:
        return self.clock() < self.open_until

    def trip(self, error: BaseException) -> None:
        self.failures += 1
        if self.failures < self.threshold:
            return
        if not self.is_open():
            logger.warning(
                "response cache unavailable, skipping it for %.1fs: %s",
                self.cooldown,
                type(error).__name__,
            )
        self.open_until = self.clock() + self.cooldown

    def reset(self) -> None:
        self.failures = 0
        self.open_until = 0.0


class ResponseCache:
    """The cache for one request. Build it with `get_response_cache` (`CatalogCache`)."""

    def __init__(
        self,
        redis: Redis,
        settings: Settings,
        breaker: CacheBreaker | None = None,
        writer: Redis | None = None,
    ):
        self.redis = redis
        self.settings = settings
        self.breaker = breaker or CacheBreaker()
        # Socket time-outs bound each read and the connect; this bounds their sum.
        self.guard_seconds = settings.redis_timeout_seconds + 2 * settings.cache_timeout_seconds
        # Invalidating is part of a write, which fails without it: it may wait for Redis as
        # long as a session lookup does, not only the few milliseconds a read waits for a hit.
        self.writer = writer or redis
        self.writer_guard_seconds = 3 * settings.redis_timeout_seconds

    async def respond(self, request: Request, render: Callable[[], Awaitable[bytes]]) -> Response:
        """The cached response for this path and query, or `render()`'s bytes, stored.

        `render` returns the JSON body; what it raises (a 404, say) propagates, and nothing is
        cached. Redis failures never fail the request: the body is rendered instead.
        """
        if self.breaker.is_open():
            return await self._bypass(request, render)
        resource = resource_of(request)
        token = secrets.token_hex(8)
        try:
            reply = await self._call(
                self.redis.register_script(_LOOKUP)(
                    keys=[CATALOG_VERSION_KEY],
                    args=[ENTRY_PREFIX, LOCK_PREFIX, ":" + resource, token, LOCK_MILLISECONDS],
                )
            )
        except CACHE_ERRORS as error:
            self.breaker.trip(error)
            return await self._bypass(request, render)
        self.breaker.failures = 0
        version = _text(reply[0])
        key, lock = f"{ENTRY_PREFIX}{version}:{resource}", f"{LOCK_PREFIX}{version}:{resource}"
        if len(reply) == 2:
            hit = self._parse(reply[1])
            if hit is not None:
                CATALOG_CACHE.labels(result="hit").inc()
                return self._answer(request, *hit)
        elif reply[2] != 1:
            token = ""  # another request renders: wait for its entry
            shared = await self._wait(key, lock)
            if shared is not None:
                CATALOG_CACHE.labels(result="coalesced").inc()
                return self._answer(request, *shared)
        try:
            body = await render()
        except Exception:
            if token:
                await self._finish(key, lock, b"", token)
            raise
        etag = make_etag(body)
        await self._finish(key, lock, etag.encode() + b"\n" + body, token)
        CATALOG_CACHE.labels(result="miss").inc()
        return self._answer(request, etag, body)

    async def respond_with(
        self, request: Request, produce: Callable[[], Awaitable[BaseModel]]
    ) -> Response:
        """`respond`, for a route whose answer is a Pydantic model."""

        async def render() -> bytes:
            return (await produce()).model_dump_json().encode()

        return await self.respond(request, render)

    async def invalidate(self) -> None:
        """Make every cached catalog response obsolete; `ServiceUnavailable` if Redis cannot.

        Services that change the catalog call it twice. Before the commit: if Redis is down the
        write fails fast with a 503, with nothing changed (a write that could not be invalidated
        would leave stale reads for up to the TTL). After the commit: a reader that read the
        version between the first call and the commit may have cached the old rows, but under
        a version that this second call makes obsolete. After the commit, a failure can no
        longer undo the write: use `invalidate_quietly` there.
        """
        try:
            async with asyncio.timeout(self.writer_guard_seconds):
                await invalidate_catalog(self.writer)
        except CACHE_ERRORS as error:
            self.breaker.trip(error)
            raise ServiceUnavailable(
                "The catalog cache cannot be invalidated; try again shortly.",
                retry_after=self.settings.retry_after_seconds,
            ) from error
        self.breaker.reset()

    async def invalidate_quietly(self) -> bool:
        """`invalidate`, best effort (after a commit): logs and swallows a failure.

        Returns whether it succeeded."""
        try:
            await self.invalidate()
        except ServiceUnavailable:
            logger.warning("could not invalidate the catalog cache after a write")
            return False
        return True

    async def _call(self, awaitable: Awaitable[T]) -> T:
        async with asyncio.timeout(self.guard_seconds):
            return await awaitable

    async def _bypass(self, request: Request, render: Callable[[], Awaitable[bytes]]) -> Response:
        body = await render()
        CATALOG_CACHE.labels(result="bypass").inc()
        return self._answer(request, make_etag(body), body)

    async def _wait(self, key: str, lock: str) -> tuple[str, bytes] | None:
        """Poll for the entry another request is rendering; None if it does not come."""
        poll = self.redis.register_script(_POLL)
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            await asyncio.sleep(POLL_SECONDS)
            try:
                reply = await self._call(poll(keys=[key, lock]))
            except CACHE_ERRORS as error:
                self.breaker.trip(error)
                return None
            if reply[0] is not None:
                return self._parse(reply[0])
            if reply[1] != 1:
                return None  # the render failed or its lock expired: render here
        return None

    async def _finish(self, key: str, lock: str, value: bytes, token: str) -> None:
        """Store `value` (unless empty) and release our lock (if any), in one round trip."""
        if self.breaker.is_open():
            return
        try:
            await self._call(
                self.redis.register_script(_FINISH)(
                    keys=[key, lock], args=[value, self.settings.cache_ttl_seconds, token]
                )
            )
        except CACHE_ERRORS as error:
            self.breaker.trip(error)

    @staticmethod
    def _parse(entry: Any) -> tuple[str, bytes] | None:
        raw = entry.encode() if isinstance(entry, str) else entry
        if not isinstance(raw, bytes):
            return None
        etag, separator, body = raw.partition(b"\n")
        if not separator or not etag.startswith(b'"'):
            return None
        return etag.decode("ascii", "replace"), body

    def _answer(self, request: Request, etag: str, body: bytes) -> Response:
        headers = {
            "ETag": etag,
            "Cache-Control": f"public, max-age={self.settings.cache_max_age_seconds}",
        }
        if none_match(", ".join(request.headers.getlist("if-none-match")), etag):
            return Response(status_code=304, headers=headers)
        return Response(content=body, media_type="application/json", headers=headers)


async def get_response_cache(request: Request) -> ResponseCache:
    state = request.app.state
    breaker = getattr(state, "cache_breaker", None)
    if breaker is None:  # one per app, made on first use unless the lifespan made it
        breaker = state.cache_breaker = CacheBreaker()
    return ResponseCache(state.cache_redis, state.settings, breaker, writer=state.redis)


CatalogCache = Annotated[ResponseCache, Depends(get_response_cache)]
