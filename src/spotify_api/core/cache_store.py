"""The catalog cache's entries in Redis: batched look-ups, single-flight claims, invalidation.

An entry lives under `catalog:entry:{key id}:{resource}` and holds `{version} {etag}\\n{body}`: the
catalog version it was rendered at, its strong ETag, and the response body. It counts only
while `catalog:version` still holds that version, so a write makes every entry obsolete at once
with one INCR; an obsolete entry is overwritten by the next render of its resource, or expires.
A version never comes back: when the key is missing (never written, or lost to a flush, an
eviction or a restart without persistence), nothing is stored until it starts again, at the
Redis server's clock in microseconds, past every value it held before (`_start_version`).
The key id is a short fingerprint of `SECRET_KEY`: list pages carry cursors signed with it, so
processes with another key (after a key change, or in a mixed deployment) never share entries.

Look-ups are where a busy server spends its Redis time, so they are batched: every look-up
made while the event loop runs one round joins one `MGET catalog:version entry…` that goes out
on the next round. Under load, dozens of cache hits share one round trip and one trip through
redis-py; a lone request waits for no one (its MGET goes out as soon as the loop is free).

The sizes of catalog lists (the `total` of a page) are kept the same way, under
`catalog:count:{key id}:{path}?{filters}` as `{version} {total}`, so that paging through a list
counts it once per catalog version, not on every page.

A miss renders once per process: concurrent misses of one resource in a process wait for the
first one's render (single flight, with no round trip of its own), which is stored with one
script call that refuses to store under a version a write has since replaced. Processes render
a hot miss once each, at most: the number of processes bounds the herd.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError
from starlette.datastructures import State

from spotify_api.core.cache_routes import CachedRoutes
from spotify_api.core.errors import ServiceUnavailable
from spotify_api.core.loop_batch import LoopBatch

logger = logging.getLogger("spotify_api.cache")

CATALOG_VERSION_KEY = "catalog:version"
ENTRY_PREFIX = "catalog:entry:"
COUNT_PREFIX = "catalog:count:"
MAX_BATCH = 256  # look-ups per MGET
BREAKER_THRESHOLD = 3  # failures in a row that open the breaker
BREAKER_SECONDS = 1.0  # after that, how long to skip Redis altogether

CACHE_ERRORS = (RedisError, TimeoutError, OSError)

T = TypeVar("T")

#: What a look-up reports while the version key is missing. No entry or count is ever stored
#: under it (versions are digits), so none counts then.
MISSING_VERSION = "-"


def _start_version(key: str) -> str:
    """Lua that starts a missing version (the key `key`) at the server's clock in microseconds.
    A version only grows by one per write, so it would take more than one write per microsecond
    since it last started for an old value to come back. Formatted as an integer (Lua prints
    big numbers as 1.7e+15, which INCR refuses)."""
    return (
        "local now = redis.call('TIME')\n"
        f"redis.call('SET', {key}, string.format('%.0f', now[1] * 1000000 + now[2]), 'NX')\n"
    )


# KEYS: version. A write makes every entry obsolete: INCR the version, or start it if missing
# (INCR would start it at 1, a value it may have held, with entries still stored under it).
_INVALIDATE = f"""
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('INCR', KEYS[1])
end
{_start_version("KEYS[1]")}
return 0
"""

# KEYS: entry, version. ARGV: value, TTL seconds, the version it was rendered at. An obsolete
# render stores nothing: it would only overwrite a newer entry of the same resource. A render
# made while the version was missing stores nothing either, and starts the version.
_STORE = f"""
local current = redis.call('GET', KEYS[2])
if not current then
  {_start_version("KEYS[2]")}
  return 0
end
if current == ARGV[3] then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
end
return 1
"""


_START = f"""
{_start_version("KEYS[1]")}
return 1
"""


async def start_catalog_version(redis: Redis) -> None:
    """Give the catalog's cache a version if it has none (a new or flushed Redis), so that the
    first renders are kept: a missing version caches nothing. Best effort, at start-up."""
    try:
        await redis.eval(_START, 1, CATALOG_VERSION_KEY)
    except CACHE_ERRORS as error:
        logger.warning("could not start the catalog cache's version: %r", error)


async def invalidate_catalog(redis: Redis) -> None:
    """Make every cached catalog response obsolete: the version moves past every value it held."""
    await redis.eval(_INVALIDATE, 1, CATALOG_VERSION_KEY)


@dataclass(frozen=True, slots=True)
class Entry:
    etag: str
    body: bytes


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def parse_entry(raw: Any, version: str) -> Entry | None:
    """The entry if `raw` is one rendered at `version`, else None (obsolete or foreign)."""
    if isinstance(raw, str):
        raw = raw.encode()
    if not isinstance(raw, bytes):
        return None
    head, separator, body = raw.partition(b"\n")
    stored_version, _, etag = head.partition(b" ")
    if not separator or stored_version != version.encode() or not etag.startswith(b'"'):
        return None
    return Entry(etag.decode("ascii", "replace"), body)


def parse_count(raw: Any, version: str) -> int | None:
    """The size of a list if `raw` was counted at `version`, else None."""
    if isinstance(raw, bytes):
        raw = raw.decode("ascii", "replace")
    if not isinstance(raw, str):
        return None
    stored_version, _, total = raw.partition(" ")
    return int(total) if stored_version == version and total.isdigit() else None


def make_etag(body: bytes) -> str:
    """A strong entity tag: the quoted hash of the exact bytes."""
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def key_id(secret: str) -> str:
    """A short, one-way fingerprint of the signing key: enough to tell keys apart, useless
    for recovering one."""
    return hashlib.sha256(b"spotify-api cache namespace\0" + secret.encode()).hexdigest()[:12]


def entry_value(version: str, entry: Entry) -> bytes:
    return f"{version} {entry.etag}\n".encode() + entry.body


class CacheBreaker:
    """Process-local: after `threshold` Redis failures in a row, the cache is skipped for
    `cooldown` seconds, so that a dead or hung Redis costs a few time-outs now and then, not
    one per request. A single late reply (a busy event loop, a burst of new connections) only
    sends the requests waiting for it to the database: a batched look-up that fails counts as
    one failure, however many requests shared it."""

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
        return self.open_until != 0.0 and self.clock() < self.open_until

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


@dataclass(frozen=True, slots=True)
class Lookup:
    version: str
    entry: Entry | None


class CacheStore:
    """The cache's Redis side, one per app (`cache_store(app.state)`).

    It reads its clients from the app's state when it uses them (`cache_redis` for reads,
    bounded by milliseconds; `cache_writer_redis` for invalidation, bounded like a session
    look-up, on the same Redis), and
    the breaker from `state.cache_breaker`, so that they can be swapped while the app runs.
    """

    def __init__(self, state: State) -> None:
        self.state = state
        settings = state.settings
        self.ttl_seconds = settings.cache_ttl_seconds
        self.retry_after = settings.retry_after_seconds
        # Socket time-outs bound each read and the connect; this bounds their sum.
        self.guard_seconds = settings.redis_timeout_seconds + 2 * settings.cache_timeout_seconds
        # Invalidating is part of a write, which fails without it: it may wait for Redis as
        # long as a session look-up does, not only the few milliseconds a read waits for a hit.
        self.writer_guard_seconds = 3 * settings.redis_timeout_seconds
        self._batch: LoopBatch[tuple[str, asyncio.Future[tuple[str, Any]]]] = LoopBatch(
            self._send, MAX_BATCH
        )
        self.routes = CachedRoutes()
        namespace = key_id(settings.secret_key.get_secret_value())
        self.entry_prefix = f"{ENTRY_PREFIX}{namespace}:"
        self.count_prefix = f"{COUNT_PREFIX}{namespace}:"
        self._store_script: tuple[Redis, AsyncScript] | None = None
        self._flights: dict[tuple[str, str], asyncio.Future[Entry | None]] = {}

    @property
    def breaker(self) -> CacheBreaker:
        breaker: CacheBreaker | None = getattr(self.state, "cache_breaker", None)
        if breaker is None:
            breaker = self.state.cache_breaker = CacheBreaker()
        return breaker

    @property
    def redis(self) -> Redis:
        redis: Redis = self.state.cache_redis
        return redis

    # -- reading

    async def lookup(self, resource: str) -> Lookup:
        """The current version and the resource's entry, if current; raises CACHE_ERRORS."""
        version, raw = await self._fetch(self.entry_prefix + resource)
        return Lookup(version, parse_entry(raw, version))

    async def lookup_count(self, identity: str) -> tuple[str, int | None]:
        """The current version and the list's size, if counted at it; raises CACHE_ERRORS."""
        version, raw = await self._fetch(self.count_prefix + identity)
        return version, parse_count(raw, version)

    async def store_count(self, version: str, identity: str, total: int) -> None:
        """Remember a list's size, counted at `version`; best effort."""
        if version == MISSING_VERSION:
            return
        try:
            await self._call(
                self.redis.set(
                    self.count_prefix + identity, f"{version} {total}", ex=self.ttl_seconds
                )
            )
        except CACHE_ERRORS as error:
            self.breaker.trip(error)

    def _fetch(self, key: str) -> asyncio.Future[tuple[str, Any]]:
        """(current version, the key's raw value), from the batch that the event loop sends
        on its next round."""
        future: asyncio.Future[tuple[str, Any]] = asyncio.get_running_loop().create_future()
        self._batch.add((key, future))
        return future

    async def _send(self, batch: list[tuple[str, asyncio.Future[tuple[str, Any]]]]) -> None:
        try:
            replies = await self._call(self.redis.mget(CATALOG_VERSION_KEY, *(k for k, _ in batch)))
        except Exception as error:  # a Redis failure, usually: each waiter falls back
            if isinstance(error, CACHE_ERRORS):
                self.breaker.trip(error)  # one failure, however many requests shared it
            for _, future in batch:
                if not future.done():
                    future.set_exception(error)
            return
        except BaseException:  # cancelled at shutdown
            for _, future in batch:
                future.cancel()
            raise
        self.breaker.failures = 0
        version = _text(replies[0]) if replies[0] is not None else MISSING_VERSION
        for (_, future), raw in zip(batch, replies[1:], strict=True):
            if not future.done():
                future.set_result((version, raw))

    async def render_once(
        self, version: str, resource: str, render: Callable[[], Awaitable[bytes | None]]
    ) -> tuple[Entry | None, bool]:
        """The resource rendered at `version` and stored; (entry, whether this call shared
        another one's render). Concurrent calls for one resource in this process share one
        render and what it raises. None: there is nothing to store (the render found none)."""
        key = (version, resource)
        running = self._flights.get(key)
        if running is not None:
            return await asyncio.shield(running), True
        flight: asyncio.Future[Entry | None] = asyncio.get_running_loop().create_future()
        self._flights[key] = flight
        try:
            body = await render()
            entry = None if body is None else Entry(make_etag(body), body)
            flight.set_result(entry)
        except BaseException as error:
            flight.set_exception(error)
            flight.exception()  # retrieved here, whether or not another caller waits
            raise
        finally:
            del self._flights[key]
        if entry is not None:
            await self.store(version, resource, entry)
        return entry, False

    def _store_call(self) -> AsyncScript:
        """The store script of the current client, registered once (tests swap clients)."""
        redis = self.redis
        if self._store_script is None or self._store_script[0] is not redis:
            self._store_script = (redis, redis.register_script(_STORE))
        return self._store_script[1]

    async def store(self, version: str, resource: str, entry: Entry) -> None:
        """Store the entry rendered at `version`, unless a write replaced it; best effort."""
        if self.breaker.is_open():
            return
        try:
            await self._call(
                self._store_call()(
                    keys=[self.entry_prefix + resource, CATALOG_VERSION_KEY],
                    args=[entry_value(version, entry), self.ttl_seconds, version],
                )
            )
        except CACHE_ERRORS as error:
            self.breaker.trip(error)

    async def _call(self, awaitable: Awaitable[T]) -> T:
        async with asyncio.timeout(self.guard_seconds):
            return await awaitable

    # -- writing

    async def invalidate(self) -> None:
        """Make every cached catalog response obsolete; `ServiceUnavailable` if Redis cannot."""
        try:
            async with asyncio.timeout(self.writer_guard_seconds):
                await invalidate_catalog(self.state.cache_writer_redis)
        except CACHE_ERRORS as error:
            self.breaker.trip(error)
            raise ServiceUnavailable(
                "The catalog cache cannot be invalidated; try again shortly.",
                retry_after=self.retry_after,
            ) from error
        self.breaker.reset()


def cache_store(state: State) -> CacheStore:
    """The app's store, made on first use."""
    store: CacheStore | None = getattr(state, "cache_store", None)
    if store is None:
        store = state.cache_store = CacheStore(state)
    return store
