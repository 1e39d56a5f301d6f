"""The Redis client: a real server, or the in-process stand-in for the embedded default."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from spotify_api.settings import Settings


def create_redis(
    settings: Settings,
    *,
    timeout: float | None = None,
    connect_timeout: float | None = None,
    retries: int = 1,
) -> Redis:
    """A client whose every call is bounded: redis-py would otherwise wait and retry for long.

    One quick retry heals a pooled connection that the server closed; no more, so that a hung
    server costs at most two time-outs.
    """
    if settings.uses_memory_redis:
        import fakeredis

        client: Redis = fakeredis.FakeAsyncRedis()
        return client
    if settings.uses_embedded_redis:
        raise ValueError("start the embedded Redis first (core.embedded_redis) and use its URL")
    timeout = timeout or settings.redis_timeout_seconds
    return Redis.from_url(
        settings.redis_url,
        socket_timeout=timeout,
        socket_connect_timeout=connect_timeout or timeout,
        retry=Retry(NoBackoff(), retries=retries),
        health_check_interval=30,
    )


def create_cache_redis(settings: Settings, sessions_redis: Redis) -> Redis:
    """The response cache's client: so short a read time-out that a slow Redis is skipped, not
    waited for. Connecting (rare: connections are pooled) may take as long as for sessions, so
    that a burst of new connections on a busy process does not look like a dead Redis.
    The in-process stand-in is shared, since it lives in this process anyway."""
    if settings.uses_memory_redis:
        return sessions_redis
    return create_redis(
        settings,
        timeout=settings.cache_timeout_seconds,
        connect_timeout=settings.redis_timeout_seconds,
        retries=0,
    )


async def get_redis(request: Request) -> Redis:
    redis: Redis = request.app.state.redis
    return redis


RedisClient = Annotated[Redis, Depends(get_redis)]
