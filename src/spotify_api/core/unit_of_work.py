"""A request's unit of work: its session, and what must be written in the same transaction as
the change a service makes.

Services commit before they return (a dependency's cleanup runs after the response is sent), and
they commit through `commit(result)`. A layer around a service registers a step with
`before_commit`; the step gets the service's result and writes with the same session, just
before the commit, so that both land together or not at all. (The idempotency record is such a
step: see `core.idempotency`.) Steps belong to one transaction: a commit or a rollback drops them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from spotify_api.core.db import DbSession

BeforeCommit = Callable[[object], Awaitable[None]]


class UnitOfWork:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._before_commit: list[BeforeCommit] = []

    def before_commit(self, step: BeforeCommit) -> None:
        self._before_commit.append(step)

    async def commit(self, result: object = None) -> None:
        """Run the registered steps with the service's `result`, then commit."""
        steps, self._before_commit = self._before_commit, []
        for step in steps:
            await step(result)
        await self.session.commit()

    async def rollback(self) -> None:
        self._before_commit.clear()
        await self.session.rollback()


async def get_unit_of_work(session: DbSession) -> UnitOfWork:
    """One per request (FastAPI caches it): the service and the layers around it share it."""
    return UnitOfWork(session)


UnitOfWorkDep = Annotated[UnitOfWork, Depends(get_unit_of_work)]
