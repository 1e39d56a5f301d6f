"""Whether the backing services answer."""

from __future__ import annotations

import asyncio
import logging

from alembic.script import ScriptDirectory
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from spotify_api.core.errors import ServiceUnavailable, is_backend_unavailable
from spotify_api.core.migrations import schema_state, session_revision
from spotify_api.core.redis import eviction_policy

logger = logging.getLogger("spotify_api.ops")


class ReadinessService:
    def __init__(
        self,
        db: AsyncSession,
        redis: Redis,
        cache_redis: Redis,
        migrations: ScriptDirectory,
        timeout_seconds: float,
    ) -> None:
        self.db = db
        self.redis = redis
        self.cache_redis = cache_redis
        self.migrations = migrations
        self.timeout = timeout_seconds
        self.revision: str | None = None

    async def _answers(self, name: str, probe: asyncio.Future[object]) -> bool:
        try:
            await asyncio.wait_for(probe, self.timeout)
        except Exception as error:
            if not is_backend_unavailable(error) and not isinstance(error, TimeoutError):
                raise
            logger.warning("readiness check failed", extra={"check": name, "error": repr(error)})
            return False
        return True

    async def _eviction_policy(self) -> str | None:
        try:
            return await asyncio.wait_for(eviction_policy(self.redis), self.timeout)
        except TimeoutError:
            return None  # the ping says whether it answers

    async def _read_revision(self) -> None:
        self.revision = await session_revision(self.db)

    async def check(self, retry_after: int) -> dict[str, object]:
        """Both answer, and the database's schema is the one this code was written for: a
        process on an unmigrated (or newer) schema would fail every request that reads it.
        The cache's Redis is reported, not required; an evicting session Redis is warned of."""
        database, redis, cache, policy = await asyncio.gather(
            self._answers("database", asyncio.ensure_future(self._read_revision())),
            self._answers("redis", asyncio.ensure_future(self.redis.ping())),
            self._answers("cache", asyncio.ensure_future(self.cache_redis.ping())),
            self._eviction_policy(),
        )
        if not (database and redis):
            down = [name for name, ok in (("database", database), ("redis", redis)) if not ok]
            raise ServiceUnavailable(f"Not answering: {', '.join(down)}.", retry_after=retry_after)
        problem = schema_state(self.migrations, self.revision).problem()
        if problem is not None:
            raise ServiceUnavailable(f"Not ready: {problem}.", retry_after=retry_after)
        warnings = []
        if policy is not None:
            warnings.append(
                f"The session Redis (REDIS_URL) may evict keys (maxmemory-policy {policy}): "
                "sessions, login throttling and idempotency claims can vanish. Run it with "
                "maxmemory-policy noeviction, and the catalog cache on a Redis of its own "
                "(CACHE_REDIS_URL)."
            )
        return {
            "database": "ok",
            "redis": "ok",
            "cache": "ok" if cache else "down",
            "warnings": warnings,
        }
