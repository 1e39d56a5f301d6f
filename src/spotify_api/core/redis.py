"""The Redis client: a real server, or the in-process stand-in for the embedded default."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Depends, Request
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from spotify_api.settings import EMBEDDED_REDIS_URL, MEMORY_REDIS_URL, Settings


def create_redis(
    settings: Settings,
    *,
    timeout: float | None = None,
    connect_timeout: float | None = None,
    retries: int = 1,
    url: str | None = None,
) -> Redis:
    """A client (of REDIS_URL, or `url`) whose every call is bounded: redis-py would otherwise
    wait and retry for long.

    One quick retry heals a pooled connection that the server closed; no more, so that a hung
    server costs at most two time-outs.
    """
    target = url or settings.redis_url
    if target.startswith(MEMORY_REDIS_URL):
        import fakeredis

        client: Redis = fakeredis.FakeAsyncRedis()
        return client
    if target.startswith(EMBEDDED_REDIS_URL):
        raise ValueError("start the embedded Redis first (core.embedded_redis) and use its URL")
    timeout = timeout or settings.redis_timeout_seconds
    return Redis.from_url(
        target,
        socket_timeout=timeout,
        socket_connect_timeout=connect_timeout or timeout,
        retry=Retry(NoBackoff(), retries=retries),
        health_check_interval=30,
    )


def create_cache_redis(settings: Settings, sessions_redis: Redis) -> Redis:
    """The response cache's client for reads and stores: so short a read time-out that a slow
    Redis is skipped, not waited for. Connecting (rare: connections are pooled) may take as
    long as for sessions, so that a burst of new connections on a busy process does not look
    like a dead Redis. The in-process stand-in is shared, since it lives in this process
    anyway. On CACHE_REDIS_URL when it is set."""
    if settings.uses_memory_redis and not settings.has_own_cache_redis:
        return sessions_redis
    return create_redis(
        settings,
        timeout=settings.cache_timeout_seconds,
        connect_timeout=settings.redis_timeout_seconds,
        retries=0,
        url=settings.cache_redis_url if settings.has_own_cache_redis else None,
    )


def create_cache_writer_redis(settings: Settings, sessions_redis: Redis) -> Redis:
    """The response cache's client for invalidation, which a write waits for as long as for a
    session look-up: the sessions' client, unless the cache has a Redis of its own."""
    if not settings.has_own_cache_redis:
        return sessions_redis
    return create_redis(settings, url=settings.cache_redis_url)


async def eviction_policy(redis: Redis) -> str | None:
    """The server's `maxmemory-policy` if it may evict keys (a `maxmemory` is set and the policy
    is not `noeviction`); None if it never evicts, or does not say (CONFIG refused, as some
    managed services do)."""
    try:
        reply: Mapping[Any, Any] = await redis.config_get("maxmemory*")
    except (RedisError, OSError, TimeoutError):
        return None
    config = {_text(key): _text(value) for key, value in reply.items()}
    policy, limit = config.get("maxmemory-policy"), config.get("maxmemory", "0")
    if not policy or policy == "noeviction" or limit == "0":
        return None
    return policy


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


async def get_redis(request: Request) -> Redis:
    redis: Redis = request.app.state.redis
    return redis


RedisClient = Annotated[Redis, Depends(get_redis)]
