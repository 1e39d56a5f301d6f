"""Whether the backing services answer."""

from __future__ import annotations

import asyncio
import logging

from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from spotify_api.core.errors import ServiceUnavailable, is_backend_unavailable

logger = logging.getLogger("spotify_api.ops")


class ReadinessService:
    def __init__(self, db: AsyncSession, redis: Redis, timeout_seconds: float) -> None:
        self.db = db
        self.redis = redis
        self.timeout = timeout_seconds

    async def _answers(self, name: str, probe: asyncio.Future[object]) -> bool:
        try:
            await asyncio.wait_for(probe, self.timeout)
        except Exception as error:
            if not is_backend_unavailable(error) and not isinstance(error, TimeoutError):
                raise
            logger.warning("readiness check failed", extra={"check": name, "error": repr(error)})
            return False
        return True

    async def check(self, retry_after: int) -> dict[str, str]:
        database = await self._answers(
            "database", asyncio.ensure_future(self.db.execute(text("SELECT 1")))
        )
        redis = await self._answers("redis", asyncio.ensure_future(self.redis.ping()))
        if not (database and redis):
            down = [name for name, ok in (("database", database), ("redis", redis)) if not ok]
            raise ServiceUnavailable(f"Not answering: {', '.join(down)}.", retry_after=retry_after)
        return {"database": "ok", "redis": "ok"}
