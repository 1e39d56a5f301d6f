"""The purge of expired idempotency records: a background task in every process's lifespan.

Every `idempotency_purge_interval_seconds` it deletes the expired records, in batches of
`idempotency_purge_batch` rows, each batch its own short transaction, until a batch comes back
short. Every process may run it: on PostgreSQL each skips the rows that another purge, or a
claim taking an expired key over, holds (SKIP LOCKED). A failed round (the database away) is
logged and the next one tries again. Lookups never depend on it: an expired record is absent
to them whether or not it has been purged yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from spotify_api.core.idempotency_records import purge_expired
from spotify_api.settings import Settings

logger = logging.getLogger("spotify_api.idempotency")


class IdempotencyPurge:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Callable[[], float],
        settings: Settings,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.batch = settings.idempotency_purge_batch
        self.interval = settings.idempotency_purge_interval_seconds
        self._task: asyncio.Task[None] | None = None

    async def run_once(self) -> int:
        """Delete every record expired by now, batch by batch; how many."""
        purged = 0
        while True:
            now = datetime.fromtimestamp(self.clock(), UTC)
            async with self.sessionmaker() as session:
                deleted = await purge_expired(session, now, self.batch)
                await session.commit()
            purged += deleted
            if deleted < self.batch:
                return purged

    async def _run_forever(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                purged = await self.run_once()
            except Exception:  # the database may be away: the next round tries again
                logger.warning("idempotency purge failed", exc_info=True)
            else:
                if purged:
                    logger.info("idempotency purge", extra={"purged": purged})

    def start(self) -> None:
        self._task = asyncio.create_task(self._run_forever(), name="idempotency-purge")

    async def stop(self) -> None:
        """Cancel the task and wait for it to end; a batch under way is rolled back."""
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
